"""A person record normalised once, with every key the comparisons need precomputed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .normalise import (
    InvalidValue,
    PartialDate,
    is_arabic,
    normalise_address,
    normalise_arabic_name,
    normalise_cin,
    normalise_date,
    normalise_identifier,
    normalise_latin_name,
    normalise_phone,
    normalise_sex,
)
from .translit import arabic_key, latin_key, onset, skeleton, skeletons, vowel_gaps

__all__ = ["COLUMNS", "Name", "Record", "normalise_record"]

#: Columns ``normalise_record`` and ``jisr dedup`` recognise.
COLUMNS = (
    "id",
    "first_name_ar",
    "last_name_ar",
    "first_name_lat",
    "last_name_lat",
    "father_name",
    "mother_name",
    "sex",
    "birth_date",
    "cin",
    "other_id",
    "phone",
    "commune_code",
    "address",
)


@dataclass(frozen=True, slots=True)
class Name:
    """One written form of a name: its script, normalised text, spelling key, skeletons."""

    script: str  # "ar" or "lat"
    text: str
    key: str
    skeletons: tuple[str, ...]
    onset: str = ""
    gaps: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: str | None, script: str | None = None) -> Name | None:
        if not raw or not raw.strip():
            return None
        return _parse_name(raw, script)

    @classmethod
    def _build(cls, raw: str, script: str | None) -> Name | None:
        if script is None:
            script = "ar" if is_arabic(raw) else "lat"
        elif script == "ar" and not is_arabic(raw):
            # A Latin name typed in the Arabic column is still a Latin name.
            script = "lat"
        elif script == "lat" and is_arabic(raw):
            script = "ar"
        text = normalise_arabic_name(raw) if script == "ar" else normalise_latin_name(raw)
        if not text:
            return None
        return _normalised_name(script, text)


@lru_cache(maxsize=200_000)
def _parse_name(raw: str, script: str | None) -> Name | None:
    # Names repeat endlessly in a national list; one shared, immutable Name per spelling
    # saves both the work and the memory.
    return Name._build(raw, script)


@lru_cache(maxsize=200_000)
def _normalised_name(script: str, text: str) -> Name | None:
    # Spellings that normalise alike (case, accents, spacing, hamza forms: a quarter of
    # the names of a generated list) share the rest of the work: everything below depends
    # on the script and the normalised text alone.
    key = arabic_key(text) if script == "ar" else latin_key(text)
    if not key:
        return None
    return Name(script, text, key, skeletons(text), onset(text), vowel_gaps(text))


@lru_cache(maxsize=100_000)
def _word_skeleton(word: str) -> str:
    return word if word.isdigit() else (skeleton(word) or word)


@dataclass(slots=True)
class Record:
    """A normalised person. Build it with :func:`normalise_record`."""

    id: str
    first: tuple[Name, ...] = ()
    last: tuple[Name, ...] = ()
    father: Name | None = None
    mother: Name | None = None
    sex: str = ""
    birth_date: PartialDate | None = None
    cin: str = ""
    other_id: str = ""
    phone: str = ""
    commune: str = ""
    address: str = ""
    #: Codes of the values that could not be read (``invalid_date``…); the value is dropped.
    problems: tuple[str, ...] = ()
    # Derived, filled by normalise_record.
    first_skels: frozenset[str] = field(default_factory=frozenset)
    last_skels: frozenset[str] = field(default_factory=frozenset)
    dob_digits: str = ""
    address_ar: bool = False
    address_skeleton: str = ""

    @property
    def has_name(self) -> bool:
        return bool(self.first or self.last)


def _get(raw: Mapping[str, object], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    return str(value).strip()


def normalise_record(raw: Mapping[str, object], *, phone_region: str = "MA") -> Record:
    """A :class:`Record` from a mapping with any subset of :data:`COLUMNS`.

    Unreadable values (a date of 31/31/1990, a CIN with punctuation inside) are dropped and
    their codes listed in ``problems``: one bad field never rejects the person.
    """
    problems: list[str] = []

    def read(fn, key: str, *args):
        try:
            return fn(_get(raw, key), *args)
        except InvalidValue as exc:
            problems.append(exc.code)
            return None if fn is normalise_date else ""

    first = tuple(
        n
        for n in (
            Name.parse(_get(raw, "first_name_ar"), "ar"),
            Name.parse(_get(raw, "first_name_lat"), "lat"),
        )
        if n
    )
    last = tuple(
        n
        for n in (
            Name.parse(_get(raw, "last_name_ar"), "ar"),
            Name.parse(_get(raw, "last_name_lat"), "lat"),
        )
        if n
    )
    dob = read(normalise_date, "birth_date")
    rec = Record(
        id=_get(raw, "id"),
        first=first,
        last=last,
        father=Name.parse(_get(raw, "father_name")),
        mother=Name.parse(_get(raw, "mother_name")),
        sex=read(normalise_sex, "sex"),
        birth_date=dob,
        cin=read(normalise_cin, "cin"),
        other_id=read(normalise_identifier, "other_id"),
        phone=read(normalise_phone, "phone", phone_region),
        commune="".join(_get(raw, "commune_code").split()),
        address=normalise_address(_get(raw, "address")),
        problems=tuple(problems),
    )
    rec.first_skels = frozenset(s for n in first for s in n.skeletons)
    rec.last_skels = frozenset(s for n in last for s in n.skeletons)
    if rec.address:
        rec.address_ar = is_arabic(rec.address)
        rec.address_skeleton = " ".join(_word_skeleton(t) for t in rec.address.split())
    if dob is not None and dob.month:
        rec.dob_digits = f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"
    return rec
