"""Search before create: the persons a registration being typed may duplicate.

Each person's blocking keys (``jisr.matching.blocking_keys`` of their normalised record,
plus their national identifier numbers) are stored in ``PersonMatchKey`` and refreshed by
the services that change what the keys are made of. The candidates of a draft are the
persons sharing a key with it, judged by ``score_pair``; persons outside the user's scope
appear only as their identity card (DESIGN, "Who sees what": a duplicate met at reception),
each card an audited read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.core import audit
from jisr.matching import (
    DATELESS,
    MATCH,
    REVIEW,
    Match,
    Reason,
    Record,
    block_limit,
    blocking_keys,
    normalise_record,
)
from jisr.matching.compare import compare
from jisr.matching.score import explain
from jisr.registry.models import IdentityDocument, Person, PersonFollow, PersonMatchKey
from jisr.registry.selectors import IdentityCard, identity_card_of

# Every reason code the engine emits (jisr/matching/score.py), in the words a worker reads.
REASON_TEXTS = {
    "names_equal": _("Names are the same"),
    "first_name_equal": _("First names are the same"),
    "first_name_spelling_variant": _("First names are spelling variants"),
    "first_name_transliterated": _("First names match across Arabic and Latin script"),
    "first_name_lookalike": _("First names look alike but differ"),
    "first_name_similar": _("First names are similar"),
    "first_name_somewhat_similar": _("First names are somewhat similar"),
    "first_name_differs": _("First names differ"),
    "last_name_equal": _("Family names are the same"),
    "last_name_spelling_variant": _("Family names are spelling variants"),
    "last_name_transliterated": _("Family names match across Arabic and Latin script"),
    "last_name_lookalike": _("Family names look alike but differ"),
    "last_name_similar": _("Family names are similar"),
    "last_name_somewhat_similar": _("Family names are somewhat similar"),
    "last_name_differs": _("Family names differ"),
    "same_father_name": _("Same father's name"),
    "similar_father_name": _("Similar father's name"),
    "father_name_differs": _("Fathers' names differ"),
    "same_mother_name": _("Same mother's name"),
    "similar_mother_name": _("Similar mother's name"),
    "mother_name_differs": _("Mothers' names differ"),
    "same_birth_date": _("Same date of birth"),
    "dob_day_month_swapped": _("Same date of birth with day and month swapped"),
    "dob_typo": _("Dates of birth differ by one digit"),
    "same_birth_year": _("Same year of birth"),
    "birth_date_differs": _("Dates of birth differ"),
    "sex_differs": _("Sex differs"),
    "same_cin": _("Same CIN"),
    "cin_typo": _("CINs differ by one character"),
    "different_cin": _("Different valid CINs"),
    "same_other_id": _("Same identity document number"),
    "different_other_id": _("Different identity document numbers"),
    "same_phone": _("Same phone"),
    "different_phone": _("Different phones"),
    "same_commune": _("Same commune"),
    "different_commune": _("Different communes"),
    "same_address": _("Same address"),
    "similar_address": _("Similar address"),
    "different_address": _("Different addresses"),
    "names_swapped": _("First and family names swapped"),
    "lookalike_names": _("Look-alike but distinct Arabic names: a person must decide"),
    "possible_father_son": _("Same name a generation apart: possibly parent and child"),
    "possible_twins": _("Same date of birth and family, different first names: possibly "
                        "twins"),
    "possible_relatives": _("Shares a phone or an address but the first names differ: "
                            "possibly relatives"),
    "first_names_conflict": _("First names do not agree"),
    "cin_conflict": _("Two different valid CINs"),
    "id_conflict": _("Two different identity document numbers"),
    "no_date_or_identifier": _("Neither a date of birth nor an identifier confirms it"),
}

DECISION_LABELS = {MATCH: _("Probable same person"), REVIEW: _("To check")}

# The fields of a draft registration (those of the registration form and API).
DRAFT_FIELDS = (*Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "commune", "address",
                "document_kind", "document_number", "phone")
_SEX = {"female": "F", "male": "M"}
_NATIONAL = (IdentityDocument.Kind.CIN, IdentityDocument.Kind.RNP)


def _raw(*, names: dict, sex: str, birth_date: date | None, birth_year: int | None,
         commune_code: str, address: str, cin: str, other_id: str, phone: str) -> dict:
    birth = birth_date.isoformat() if birth_date else str(birth_year or "")
    return {"first_name_ar": names.get("first_name_ar", ""),
            "last_name_ar": names.get("family_name_ar", ""),
            "first_name_lat": names.get("first_name_lat", ""),
            "last_name_lat": names.get("family_name_lat", ""),
            "father_name": names.get("father_name_ar") or names.get("father_name_lat", ""),
            "mother_name": names.get("mother_name_ar") or names.get("mother_name_lat", ""),
            "sex": _SEX.get(sex or "", ""), "birth_date": birth, "cin": cin,
            "other_id": other_id, "phone": phone, "commune_code": commune_code,
            "address": address}


def person_to_match_record(person: Person) -> dict:
    """The engine's raw dict of a registered person (documents and phones read through
    ``all()``, so a prefetch serves them)."""
    documents = [d for d in person.documents.all() if d.number]
    cin = next((d.number for d in documents if d.kind == IdentityDocument.Kind.CIN), "")
    other = next((d.number for d in documents if d.kind != IdentityDocument.Kind.CIN), "")
    phone = next((p.number for p in person.phones.all()), "")
    return _raw(names={f: getattr(person, f) for f in Person.NAME_FIELDS}, sex=person.sex,
                birth_date=person.birth_date, birth_year=person.birth_year,
                commune_code=person.commune.code if person.commune_id else "",
                address=person.address, cin=cin, other_id=other, phone=phone)


def draft_to_match_record(draft: dict) -> dict:
    """The engine's raw dict of a registration being typed (cleaned form or API data)."""
    commune = draft.get("commune")
    kind, number = draft.get("document_kind") or "", draft.get("document_number") or ""
    return _raw(names={f: draft.get(f) or "" for f in Person.NAME_FIELDS},
                sex=draft.get("sex") or "", birth_date=draft.get("birth_date"),
                birth_year=draft.get("birth_year"),
                commune_code=getattr(commune, "code", "") or "",
                address=draft.get("address") or "",
                cin=number if kind == IdentityDocument.Kind.CIN else "",
                other_id=number if kind and kind != IdentityDocument.Kind.CIN else "",
                phone=draft.get("phone") or "")


_KEY_LENGTH = PersonMatchKey._meta.get_field("key").max_length  # read once, not per key


def match_keys(record: Record) -> set[str]:
    """The keys stored for a person and asked for a draft: the engine's blocking keys
    plus the national identifier numbers (also used by imports and the batch scan)."""
    # The engine's keys come from names and dates; an identifier shared by the draft and a
    # person (a CIN typed with a misspelt name) must also bring them together.
    keys = set(blocking_keys(record))
    if record.cin:
        keys.add(f"cin:{record.cin}")
    if record.other_id:
        keys.add(f"id:{record.other_id}")
    longest = _KEY_LENGTH
    return {k for k in keys if len(k) <= longest}


@lru_cache(maxsize=1 << 16)
def _verdict(pattern: tuple[int, ...]) -> Match:
    return explain(pattern)


def judge(a: Record, b: Record) -> Match:
    """``score_pair(a, b)`` of the engine's default model, with the verdict of each
    comparison pattern computed once: a draft's candidates (and an import's rows) repeat
    few patterns, and the verdict (weights, reasons, decision) depends on the pattern only.
    The verdicts are shared: read them, never change them."""
    return _verdict(compare(a, b))


def _dated(record: Record) -> bool:
    d = record.birth_date
    return d is not None and bool(d.month) and bool(d.day)


def _specific(record: Record) -> bool:
    """The rule of a specific search (registry/search.py) applied to a draft: only a draft
    naming one person (an identifier, or first and family names with the birth date or
    year) may show the identity cards of persons followed elsewhere."""
    if record.cin or record.other_id or record.phone:
        return True
    return bool(record.first and record.last and record.birth_date)


def person_match_keys_refresh(person: Person) -> None:
    """Recompute the person's keys; called by the services inside their transaction."""
    person = Person.objects.select_related("commune").prefetch_related(
        "documents", "phones").get(pk=person.pk)
    keys = match_keys(normalise_record(person_to_match_record(person)))
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create(PersonMatchKey(person=person, key=k)
                                       for k in sorted(keys))


@dataclass
class Candidate:
    """A possible duplicate: ``person`` when the user sees them, otherwise ``card``."""

    decision: str
    score: float
    reasons: list[Reason]
    person: Person | None = None
    card: IdentityCard | None = None

    @property
    def decision_label(self) -> str:
        return str(DECISION_LABELS[self.decision])

    @property
    def reason_texts(self) -> list[str]:
        return [reason_text(r) for r in self.reasons]


def reason_text(reason: Reason) -> str:
    """The reason in the request's language (the engine's English text if a code is new)."""
    text = REASON_TEXTS.get(reason.code)
    if text is None:
        return reason.text
    return str(text) % reason.params if "%(" in str(text) else str(text)


def stored_reason(data: dict) -> Reason:
    """A reason as a duplicate pair stores it (code, English text, parameters)."""
    return Reason(code=str(data.get("code", "")), text=str(data.get("text", "")),
                  params=dict(data.get("params") or {}))


def _usable_members(record: Record, keys: set[str]) -> tuple[str, list]:
    """SQL of the persons sharing a usable key with the draft. A key shared by more than
    ``block_limit(key)`` persons is not used, so each key's part stops at one row more
    than its limit: a common name in a national registry costs no more than a rare one.
    Dateless keys pair a dated draft only with persons lacking a full date (the engine's
    rule), and then count only those."""
    dated = _dated(record)
    if connection.vendor == "postgresql":
        # One statement whatever the number of keys (arrays as parameters): planning the
        # union of one subquery per key cost as much as running it (7 ms at 1,000,000
        # persons).
        plain = sorted(k for k in keys if not (dated and k[: k.index(":")] in DATELESS))
        undated = sorted(k for k in keys if dated and k[: k.index(":")] in DATELESS)
        return _PG_USABLE, [plain, [block_limit(k) for k in plain],
                            undated, [block_limit(k) for k in undated]]
    parts, params = [], []
    for i, key in enumerate(sorted(keys)):
        undated = dated and key[: key.index(":")] in DATELESS
        # Only constants and placeholders go into the text.
        parts.append(f"SELECT * FROM ({_UNDATED if undated else _MEMBERS}) AS k{i}")  # noqa: S608
        params += [block_limit(key), key, block_limit(key) + 1]
    return _USABLE.replace("{members}", " UNION ALL ".join(parts)), params


def _candidate_ids(record: Record, keys: set[str]) -> set[int]:
    sql, params = _usable_members(record, keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _candidates(record: Record, keys: set[str]) -> dict[int, Record]:
    """The engine's records of the candidates (merged persons left out), in one query: the
    values :func:`person_to_match_record` reads, the first CIN, other numbered document (by
    kind) and phone in the order it reads them."""
    usable, params = _usable_members(record, keys)
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(_RECORDS.replace("{usable}", usable), params)
        for pk, *values in cursor:
            out[pk] = _normalised(tuple(values))
    return out


@lru_cache(maxsize=20_000)
def _normalised(values: tuple) -> Record:
    """The engine's record of a candidate's row of values. Cached by the values themselves
    (never stale: a changed person is another row), because the same persons come back as
    candidates while a registration is typed, and for every common name; normalising is
    most of a request's own work. The records are shared: read them, never change them."""
    *names, sex, birth, year, address, commune, cin, other, phone = values
    if isinstance(birth, str):  # SQLite
        birth = date.fromisoformat(birth)
    return normalise_record(_raw(
        names=dict(zip(Person.NAME_FIELDS, names, strict=True)), sex=sex,
        birth_date=birth, birth_year=year, commune_code=commune or "",
        address=address, cin=cin or "", other_id=other or "", phone=phone or ""))


# Raw SQL: the ORM cannot put a LIMIT inside a UNION on SQLite, and building these with
# it cost more than running them. The persons holding a key (with the key's limit), up to
# one past the limit; the second only those without a full birth date.
_MEMBERS = ('SELECT m."key", m."person_id", %s AS lim FROM "registry_personmatchkey" m '
            'WHERE m."key" = %s LIMIT %s')
_UNDATED = ('SELECT m."key", m."person_id", %s AS lim FROM "registry_personmatchkey" m '
            'JOIN "registry_person" p ON p."id" = m."person_id" '
            'WHERE m."key" = %s AND p."birth_date" IS NULL LIMIT %s')
# Those of the keys held by no more persons than their limit.
_USABLE = ('WITH m AS ({members}), usable AS (SELECT "key" FROM m GROUP BY "key" '
           'HAVING COUNT(DISTINCT "person_id") <= MIN(lim)) '
           'SELECT DISTINCT m."person_id" FROM m JOIN usable u ON u."key" = m."key"')
# The same on PostgreSQL: each key's persons (only those without a full birth date for
# the dateless keys of a dated draft), up to one past its limit, through LATERAL.
_PG_USABLE = (
    'WITH m AS ('
    'SELECT q."key", t."person_id", q.lim FROM unnest(%s::text[], %s::int[]) AS q("key", lim) '
    'CROSS JOIN LATERAL (SELECT k."person_id" FROM "registry_personmatchkey" k '
    'WHERE k."key" = q."key" LIMIT q.lim + 1) t '
    'UNION ALL '
    'SELECT q."key", t."person_id", q.lim FROM unnest(%s::text[], %s::int[]) AS q("key", lim) '
    'CROSS JOIN LATERAL (SELECT k."person_id" FROM "registry_personmatchkey" k '
    'JOIN "registry_person" p ON p."id" = k."person_id" '
    'WHERE k."key" = q."key" AND p."birth_date" IS NULL LIMIT q.lim + 1) t), '
    'usable AS (SELECT "key" FROM m GROUP BY "key" '
    'HAVING COUNT(DISTINCT "person_id") <= MIN(lim)) '
    'SELECT DISTINCT m."person_id" FROM m JOIN usable u ON u."key" = m."key"')
# Each candidate's fields, first CIN, first other numbered document and first phone.
_RECORDS = (
    'SELECT p."id", p."first_name_ar", p."family_name_ar", p."father_name_ar", '
    'p."mother_name_ar", p."first_name_lat", p."family_name_lat", p."father_name_lat", '
    'p."mother_name_lat", p."sex", p."birth_date", p."birth_year", p."address", c."code", '
    '(SELECT d."number" FROM "registry_identitydocument" d WHERE d."person_id" = p."id" '
    """AND d."number" <> '' AND d."kind" = 'cin' ORDER BY d."kind", d."id" LIMIT 1), """
    '(SELECT d."number" FROM "registry_identitydocument" d WHERE d."person_id" = p."id" '
    """AND d."number" <> '' AND d."kind" <> 'cin' ORDER BY d."kind", d."id" LIMIT 1), """
    '(SELECT f."number" FROM "registry_phone" f WHERE f."person_id" = p."id" '
    'ORDER BY f."id" LIMIT 1) '
    'FROM "registry_person" p LEFT JOIN "territory_commune" c ON c."id" = p."commune_id" '
    'WHERE p."id" IN ({usable}) AND p."merged_into_id" IS NULL')


def duplicate_candidates(*, user, draft: dict, limit: int = 10) -> list[Candidate]:
    """Persons the draft registration may duplicate, most probable first; nothing for a
    user who may not register persons."""
    if not policy.has_perm(user, "registry.register_person"):
        return []
    record = normalise_record(draft_to_match_record(draft))
    keys = match_keys(record)
    if not keys:
        return []
    scored = []
    for pk, other in _candidates(record, keys).items():
        found = judge(record, other)
        if found.decision in (MATCH, REVIEW):
            scored.append((found, pk))
    scored.sort(key=lambda pair: (-pair[0].score, pair[1]))
    scored = scored[:limit]
    if not scored:
        return []
    # The few shown, with whether the user may open their record.
    persons = Person.objects.filter(pk__in=[pk for _v, pk in scored]).select_related(
        "commune").annotate(in_scope=Exists(policy.persons_for(user).filter(pk=OuterRef("pk"))))
    persons = {p.pk: p for p in persons}
    cards_allowed = _specific(record) and policy.has_perm(user, "registry.search_network")
    if cards_allowed:
        prefetch_related_objects(
            [p for p in persons.values() if not p.in_scope],
            Prefetch("documents", queryset=IdentityDocument.objects.filter(
                kind=IdentityDocument.Kind.CIN), to_attr="cins"),
            Prefetch("follows", queryset=PersonFollow.objects.select_related("centre")))
    candidates, shown = [], []
    for verdict, pk in scored:
        person = persons[pk]
        candidate = Candidate(decision=verdict.decision, score=verdict.score,
                              reasons=list(verdict.reasons))
        if person.in_scope:
            candidate.person = person
        elif not cards_allowed:
            continue
        else:
            candidate.card = identity_card_of(person)
            shown.append(person)
        candidates.append(candidate)
    # Every card shown is an audited read: one INSERT for all of them.
    audit.record_reads(actor=user, objs=shown, action="registry.person.identity_card")
    return candidates
