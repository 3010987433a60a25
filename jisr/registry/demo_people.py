"""The people of ``jisr demo --persons`` (see :mod:`jisr.registry.demo`), generated in chunks
without the database, so that worker processes can make them in parallel.

The persons come from the matching engine's generator (``jisr.matching.generate_people``):
Moroccan names in Arabic and Latin script, spelling variants, and people registered twice
with the errors clerks make (a misspelt Latin name, Arabic only against Latin only, a
missing date, day and month swapped, a CIN one digit off…), plus relatives who look like
them (twins, siblings, a father and son of the same name). Here they are placed:

* in communes in proportion to their 2024 census population (the generator draws communes
  from a list where each appears in proportion), registered at a centre of their commune,
  else of their province, else of their region;
* in households (head, spouse, children, sometimes a parent or a look-alike relative) whose
  members share the family name, commune and address, and each child's father's and
  mother's names are the head's and spouse's; only persons registered once and resembling
  no one are renamed to fit, so the planted duplicates and look-alikes stay as generated;
* with documents (a CIN for most adults, "no document" for many children, passports and
  residence cards for migrants), phones, languages by region and vulnerability categories.

Every value is the one the registry services would store: documents and phones through
``jisr.registry.identifiers``, ``name_key``, ``birth_year``, and the blocking keys of
registry/duplicates.py.
"""

from __future__ import annotations

import json
import random
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.core.exceptions import DomainError
from jisr.matching import generate_people, normalise_record
from jisr.matching.names_data import FAMILY, FEMALE, MALE
from jisr.matching.normalise import InvalidValue, is_arabic, normalise_date, normalise_sex
from jisr.registry import identifiers
from jisr.registry.duplicates import _raw, match_keys
from jisr.registry.models import HouseholdMembership, IdentityDocument, Person, Phone

_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)

# A few per cent of persons registered twice (or three times), a few with a look-alike
# relative: enough for the review queue to have real work, as in a real registry.
DUPLICATE_RATE = 0.03
MAX_DUPLICATES = 2
TRAP_RATE = 0.03
_SEX = {"M": "male", "F": "female"}
_TRAP_KINDS = ("twin", "sibling", "father_son", "lookalike")
_REL = HouseholdMembership.Relationship
_DOC = IdentityDocument.Kind

# Household sizes (persons registered together), mean about 3.7 like the 2024 census's 3.9.
_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
_SIZE_WEIGHTS = (14, 16, 18, 20, 15, 9, 5, 3)

# Languages by region (HCP code): (language, weight of it being the first language).
_LANGUAGES = {
    "01": (("ary", 80), ("rif", 18), ("es", 2)), "02": (("ary", 70), ("rif", 28), ("es", 2)),
    "03": (("ary", 75), ("tzm", 25)), "04": (("ary", 92), ("tzm", 8)),
    "05": (("ary", 60), ("tzm", 40)), "06": (("ary", 95), ("shi", 5)),
    "07": (("ary", 70), ("shi", 30)), "08": (("tzm", 55), ("ary", 45)),
    "09": (("shi", 60), ("ary", 40)), "10": (("mey", 35), ("shi", 30), ("ary", 35)),
    "11": (("mey", 65), ("ary", 35)), "12": (("mey", 60), ("ary", 40)),
}
_AMAZIGH = {"tzm", "shi", "rif"}

_MIGRANT_FIRST = {
    "M": ("Mamadou", "Ibrahima", "Moussa", "Ousmane", "Abdoulaye", "Sekou", "Emmanuel",
          "Samuel", "Koffi", "Lamine"),
    "F": ("Aminata", "Fatoumata", "Mariama", "Awa", "Aissatou", "Grace", "Esther",
          "Blessing", "Hawa", "Kadiatou"),
}
_MIGRANT_LAST = ("Diallo", "Traore", "Keita", "Coulibaly", "Camara", "Sow", "Ndiaye",
                 "Konate", "Kouassi", "Mbemba", "Okafor", "Toure", "Bamba", "Sylla")
_MIGRANT_COUNTRIES = ("SN", "GN", "ML", "CI", "CM", "NG", "CD", "GM", "BF", "SL")
_LEVANT_LAST = (("الحلبي", "Al Halabi"), ("الحمصي", "Al Homsi"), ("الشامي", "Al Chami"),
                ("الخطيب", "Al Khatib"), ("الأحمد", "Al Ahmad"), ("الصالح", "Al Saleh"))


def _index(entries) -> dict[str, tuple[str, tuple[str, ...]]]:
    out = {}
    for entry in entries:
        for text in (entry[0], *entry[1]):
            out.setdefault(text.lower().replace("-", " "), entry)
    return out


_FIRST_INDEX = _index((*MALE, *FEMALE))
_FIRST_NAMES = {"M": {e[0] for e in MALE}, "F": {e[0] for e in FEMALE}}
_MALE_INDEX = _index(MALE)
_LAST_INDEX = _index(FAMILY)


def _lookup(index: dict, text: str | None):
    return index.get(text.strip().lower().replace("-", " ")) if text else None


# --- what the workers need from the database ------------------------------------------

@dataclass
class Reference:
    """The territory and network the persons are placed in (picklable: sent to workers)."""

    communes: tuple[str, ...]  # commune codes, each repeated in proportion to population
    commune_ids: dict[str, int]
    commune_region: dict[str, str]
    reception: dict[str, tuple[tuple[int, ...], tuple[int, ...]]]  # code -> (Jisr, others)
    region_centres: dict[str, tuple[int, ...]]
    outreach: dict[str, tuple[int, ...]]  # region -> mobile units and shelters
    registrars: dict[int, int]  # centre -> the user who registers there
    now: datetime
    rates: tuple[float, int, float] = (DUPLICATE_RATE, MAX_DUPLICATES, TRAP_RATE)


def reference() -> Reference:
    from jisr.accounts.models import User
    from jisr.network.models import Centre
    from jisr.territory.models import Commune

    communes = list(Commune.objects.select_related("province").values_list(
        "pk", "code", "province_id", "province__region__code", "population_2024"))
    centres = list(Centre.objects.exclude(status=Centre.Status.CLOSED).values_list(
        "pk", "kind", "commune_id", "commune__province_id", "commune__province__region__code"))
    if not communes or not centres:
        raise DomainError("Demo persons need the territories and the demo network: run "
                          "`jisr demo` (or load them) first.", code="no_network")
    total = sum(c[4] or 0 for c in communes)
    unit = max(1, total // 200_000)
    weighted = tuple(code for _pk, code, _p, _r, pop in communes
                     for _ in range(round((pop or 0) / unit)))

    def split(rows):
        jisr = tuple(pk for pk, kind, *_ in rows if kind == Centre.Kind.JISR)
        others = tuple(pk for pk, kind, *_ in rows if kind not in (
            Centre.Kind.JISR, Centre.Kind.MOBILE, Centre.Kind.SHELTER))
        return jisr, others

    by = {"commune": defaultdict(list), "province": defaultdict(list),
          "region": defaultdict(list)}
    for row in centres:
        by["commune"][row[2]].append(row)
        by["province"][row[3]].append(row)
        by["region"][row[4]].append(row)
    reception = {}
    for pk, code, province, region, _pop in communes:
        for rows in (by["commune"][pk], by["province"][province], by["region"][region],
                     centres):
            jisr, others = split(rows)
            if jisr or others:
                reception[code] = (jisr or others, others)
                break
    registrars: dict[int, int] = {}
    for user_id, centre_id in User.objects.filter(
            role__in=[Role.RECEPTION_OFFICER, Role.EMERGENCY_AGENT], is_active=True,
            centre__isnull=False).order_by("role", "pk").values_list("pk", "centre_id"):
        registrars.setdefault(centre_id, user_id)
    return Reference(
        communes=weighted,
        commune_ids={code: pk for pk, code, *_ in communes},
        commune_region={code: region for _pk, code, _p, region, _pop in communes},
        reception=reception,
        region_centres={r: tuple(row[0] for row in rows if row[1] == Centre.Kind.JISR)
                        or tuple(row[0] for row in rows) for r, rows in by["region"].items()},
        outreach={r: tuple(row[0] for row in rows if row[1] in (
            Centre.Kind.MOBILE, Centre.Kind.SHELTER)) for r, rows in by["region"].items()},
        registrars=registrars, now=timezone.now())


# --- one chunk of persons, generated without the database ------------------------------

@dataclass
class Chunk:
    """Rows of one chunk, persons and households referred to by their position."""

    persons: list[tuple] = field(default_factory=list)  # PERSON_FIELDS order
    keys: list[list[str]] = field(default_factory=list)
    raws: dict[int, dict] = field(default_factory=dict)  # for keys without a refused number
    documents: list[tuple] = field(default_factory=list)  # (person, *DOCUMENT_FIELDS)
    phones: list[tuple] = field(default_factory=list)
    follows: list[tuple] = field(default_factory=list)
    households: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)  # (person, household, ...)
    planted: list[tuple[int, int]] = field(default_factory=list)  # (original, duplicate)
    traps: int = 0


PERSON_FIELDS = (*Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "birth_approximate",
                 "languages", "commune", "address", "vulnerabilities", "registered_at",
                 "registered_by", "name_key", "created_at", "updated_at")
DOCUMENT_FIELDS = ("kind", "number", "country", "none_reason", "recorded_at", "recorded_by")
PHONE_FIELDS = ("number", "kind", "note")
FOLLOW_FIELDS = ("centre", "since", "until")
HOUSEHOLD_FIELDS = ("commune", "address", "registered_at", "created_at")
MEMBERSHIP_FIELDS = ("relationship", "start", "end")


@dataclass
class _Someone:
    """One generated person (a ``true_id``): their first record and its re-registrations."""

    records: list[dict]
    sex: str
    year: int
    trap_of: str = ""
    trapped_by: list[str] = field(default_factory=list)
    moldable: bool = False  # may be renamed and moved to fit a household
    migrant: str = ""  # "" or the country
    household: int | None = None
    role: str = ""
    commune: str = ""
    centre: int | None = None
    registered: datetime | None = None
    phone: str = ""
    vulnerabilities: list[str] | None = None

    @property
    def first(self) -> dict:
        return self.records[0]


class _ChunkBuilder:
    def __init__(self, ref: Reference, index: int, seed: int, size: int) -> None:
        self.ref = ref
        self.rng = random.Random(seed * 7919 + index)
        rates = ref.rates
        self.records = list(generate_people(
            size, seed=seed * 1_000_003 + index, duplicate_rate=rates[0],
            max_duplicates=rates[1], trap_rate=rates[2], communes=ref.communes))
        self.year = ref.now.year
        self.people: dict[str, _Someone] = {}
        self.out = Chunk()
        self.household_traits: list[dict] = []

    # Who is who ------------------------------------------------------------------------

    def group(self) -> None:
        for rec in self.records:
            someone = self.people.get(rec["true_id"])
            if someone is not None:
                someone.records.append(rec)
                continue
            sex = _sex_of(rec) or self.rng.choice("MF")
            year = _year_of(rec) or self.rng.randrange(1950, self.year - 1)
            self.people[rec["true_id"]] = _Someone(records=[rec], sex=sex, year=year,
                                                   trap_of=rec.get("trap_of", ""),
                                                   commune=rec.get("commune_code", ""))
        for tid, someone in self.people.items():
            if someone.trap_of in self.people:
                self.people[someone.trap_of].trapped_by.append(tid)
                self.out.traps += 1
        for someone in self.people.values():
            someone.moldable = (len(someone.records) == 1 and not someone.trap_of
                                and not someone.trapped_by)

    def adult(self, someone: _Someone, age: int = 18) -> bool:
        return self.year - someone.year >= age

    def make_migrants(self) -> None:
        for someone in self.people.values():
            if someone.moldable and self.adult(someone) and self.rng.random() < 0.012:
                self._migrant(someone)

    def _migrant(self, someone: _Someone) -> None:
        rec, rng = someone.first, self.rng
        for column in ("first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat",
                       "father_name", "mother_name", "cin", "other_id"):
            rec.pop(column, None)
        if rng.random() < 0.75:
            rec["first_name_lat"] = rng.choice(_MIGRANT_FIRST[someone.sex])
            rec["last_name_lat"] = rng.choice(_MIGRANT_LAST)
            someone.migrant = rng.choice(_MIGRANT_COUNTRIES)
        else:
            first = rng.choice(MALE if someone.sex == "M" else FEMALE)
            last = rng.choice(_LEVANT_LAST)
            rec["first_name_ar"], rec["last_name_ar"] = first[0], last[0]
            rec["first_name_lat"], rec["last_name_lat"] = first[1][0], last[1]
            someone.migrant = rng.choice(("SY", "SY", "SY", "YE"))
        someone.moldable = False

    # Households ------------------------------------------------------------------------

    def households(self) -> None:
        pool: dict[tuple[str, int], list[_Someone]] = defaultdict(list)
        for someone in self.people.values():
            if someone.moldable:
                pool[someone.sex, someone.year].append(someone)
        for lst in pool.values():
            self.rng.shuffle(lst)
        self.pool = pool
        # In the order generated, whoever has no household yet starts one; those who may
        # be renamed fill the households as spouses, children and parents.
        for someone in list(self.people.values()):
            if someone.household is None and not someone.trap_of and not someone.migrant:
                self._household(someone)
        # Whoever is left: most adults live alone, a minor alone is a child in the street.
        for someone in self.people.values():
            if someone.household is None and not someone.trap_of and self.adult(someone) \
                    and self.rng.random() < (0.5 if someone.migrant else 0.75):
                self._open(someone)

    def _take(self, sexes: str, low: int, high: int, avoid: frozenset[int] = frozenset()
              ) -> _Someone | None:
        years = range(max(low, 1900), min(high, self.year) + 1)
        if not years:
            return None
        start = self.rng.randrange(len(years))  # a random year of the range first
        for year in (*years[start:], *years[:start]):
            if year in avoid:
                continue
            for sex in sexes:
                candidates = self.pool.get((sex, year))
                while candidates:
                    someone = candidates.pop()
                    if someone.household is None and someone.moldable:
                        return someone
        return None

    def _open(self, head: _Someone) -> int:
        index = len(self.household_traits)
        self.household_traits.append({"head": head, "members": [], "needy":
                                      self.rng.random() < 0.3})
        self._join(head, index, _REL.HEAD)
        return index

    def _join(self, someone: _Someone, household: int, role: str) -> None:
        someone.household, someone.role = household, role
        self.household_traits[household]["members"].append(someone)

    def _household(self, anchor: _Someone) -> None:
        rng = self.rng
        size = rng.choices(_SIZES, _SIZE_WEIGHTS)[0]
        rec = anchor.first
        father = _lookup(_MALE_INDEX, rec.get("father_name"))
        mother = _lookup(_FIRST_INDEX, rec.get("mother_name"))
        if self.adult(anchor, 20):
            head, spouse = anchor, None
        else:
            # A young person comes with a parent, renamed to be their father (or mother).
            sexes = "M" if father or (not mother and rng.random() < 0.75) else "F"
            head = self._take(sexes, anchor.year - 45, anchor.year - 20)
            if head is None:
                return
            self._mold(head, like=anchor, first=father if head.sex == "M" else mother)
            spouse = None
        household = self._open(head)
        if head is not anchor:
            self._join(anchor, household, _REL.CHILD)
        if size > 1 and rng.random() < (0.85 if head.sex == "M" else 0.3):
            other = "F" if head.sex == "M" else "M"
            spouse = self._take(other, head.year - 12, head.year + 12)
            if spouse is not None:
                first = mother if spouse.sex == "F" else father
                self._mold(spouse, like=head, family=False,
                           first=first if head is not anchor else None)
                self._unlike(spouse, household)
                self._join(spouse, household, _REL.SPOUSE)
        for tid in anchor.trapped_by:
            relative = self.people[tid]
            role = {"twin": _REL.SIBLING, "sibling": _REL.SIBLING, "father_son": _REL.PARENT,
                    "lookalike": _REL.OTHER_RELATIVE}[relative.first["kind"]]
            if anchor is not head:
                if role == _REL.PARENT:
                    continue  # the parent of that name is the head already
                role = {_REL.SIBLING: _REL.CHILD}.get(role, role)
            self._join(relative, household, role)
        members = self.household_traits[household]["members"]
        dad = next((m for m in (head, spouse) if m is not None and m.sex == "M"), None)
        mum = next((m for m in (head, spouse) if m is not None and m.sex == "F"), None)
        while len(members) < size:
            # Brothers and sisters are born a year or more apart (twins are planted).
            born = frozenset(m.year + d for m in members if m.role == _REL.CHILD
                             for d in (-1, 0, 1))
            child = self._take("MF", head.year + 18, head.year + 45, avoid=born)
            if child is None:
                break
            self._mold(child, like=head, father=dad, mother=mum)
            self._unlike(child, household)
            self._join(child, household, _REL.CHILD)
        if size >= 5 and rng.random() < 0.25:
            parent = self._take("MF", head.year - 40, head.year - 18)
            if parent is not None:
                self._mold(parent, like=head, family=parent.sex == "M")
                self._unlike(parent, household)
                self._join(parent, household, _REL.PARENT)

    def _unlike(self, someone: _Someone, household: int) -> None:
        """Rename a moldable member whose first name another member already bears: parents
        do not give two living children one name, nor a son his father's (except the
        planted father and son of one name, who are not molded)."""
        rec = someone.first
        taken = {_first_entry(m.first) for m in self.household_traits[household]["members"]}
        entry = _first_entry(rec)
        if entry is None or entry not in taken:
            return
        names = MALE if someone.sex == "M" else FEMALE
        while entry in taken:
            entry = self.rng.choice(names)
        _rename(rec, "first", entry, None)

    def _mold(self, someone: _Someone, *, like: _Someone, family: bool = True, first=None,
              father: _Someone | None = None, mother: _Someone | None = None) -> None:
        """Make a moldable person fit the household of ``like``: same commune and address,
        and (``family``) the same family name, as written in their own record's scripts."""
        rec, model = someone.first, like.first
        rec["commune_code"], someone.commune = model.get("commune_code", ""), like.commune
        if model.get("address"):
            rec["address"] = model["address"]
        else:
            rec.pop("address", None)
        if family:
            _rename(rec, "last", _lookup(_LAST_INDEX, model.get("last_name_ar")
                                         or model.get("last_name_lat")), model)
        if first is not None and first[0] in _FIRST_NAMES[someone.sex]:
            _rename(rec, "first", first, None)
        for column, parent in (("father_name", father), ("mother_name", mother)):
            if parent is None:
                continue
            entry = _lookup(_FIRST_INDEX, parent.first.get("first_name_ar")
                            or parent.first.get("first_name_lat"))
            if entry is not None and (column in rec or self.rng.random() < 0.4):
                rec[column] = entry[0] if "first_name_ar" in rec else entry[1][0]

    # Rows ------------------------------------------------------------------------------

    def emit(self) -> Chunk:
        rng, ref = self.rng, self.ref
        for traits in self.household_traits:
            head = traits["head"]
            traits["at"] = self._registration_time()
            traits["centre"] = self._centre(head.commune, head)
            # registered together, a few minutes apart
            for position, member in enumerate(traits["members"]):
                member.registered = traits["at"] + timedelta(minutes=3 * position)
                member.centre = traits["centre"]
        for someone in self.people.values():
            if someone.household is None:
                someone.registered = self._registration_time()
                someone.centre = self._centre(someone.commune, someone)
            someone.phone = phone_e164(someone.first.get("phone", ""))
        for traits in self.household_traits:
            head = traits["head"]
            self.out.households.append((ref.commune_ids.get(head.commune),
                                        head.first.get("address", ""), traits["centre"],
                                        traits["at"]))
        for someone in self.people.values():
            original = self._person(someone, someone.first, someone.centre,
                                    someone.registered, first=True)
            if someone.household is not None:
                self.out.memberships.append((original, someone.household, someone.role,
                                             someone.registered.astimezone(_TZ).date(),
                                             None))
            for rec in someone.records[1:]:
                when = someone.registered + timedelta(days=rng.uniform(7, 720))
                when = min(when, ref.now - timedelta(minutes=rng.uniform(5, 600)))
                commune = rec.get("commune_code", someone.commune)
                centre = someone.centre if rng.random() < 0.6 else self._centre(
                    commune, someone, elsewhere=True)
                duplicate = self._person(someone, rec, centre, when, first=False)
                self.out.planted.append((original, duplicate))
        return self.out

    def _registration_time(self) -> datetime:
        return self.ref.now - timedelta(seconds=self.rng.uniform(3600, 3 * 365 * 86400))

    def _centre(self, commune: str, someone: _Someone, elsewhere: bool = False) -> int:
        ref, rng = self.ref, self.rng
        region = ref.commune_region.get(commune, "")
        street = not self.adult(someone) and someone.household is None
        if (street or ("homeless" in self._vulnerabilities(someone))) and \
                ref.outreach.get(region) and rng.random() < 0.6:
            return rng.choice(ref.outreach[region])
        if elsewhere and ref.region_centres.get(region):
            return rng.choice(ref.region_centres[region])
        jisr, others = ref.reception.get(commune) or next(iter(ref.reception.values()))
        return rng.choice(others) if others and rng.random() < 0.12 else rng.choice(jisr)

    def _vulnerabilities(self, someone: _Someone) -> list[str]:
        if someone.vulnerabilities is not None:
            return someone.vulnerabilities
        rng, age = self.rng, self.year - someone.year
        out = []
        traits = self.household_traits[someone.household] if someone.household is not None \
            else None
        if age >= 60 and rng.random() < 0.7:
            out.append("elderly")
        if rng.random() < 0.05:
            out.append("disability")
        if someone.migrant:
            out.append("migrant")
        if traits is None:
            if age < 18:
                out.append(rng.choice(("street_child", "street_child", "abandoned_child",
                                       "orphan")))
            elif rng.random() < (0.3 if someone.migrant else 0.12):
                out.append("homeless")
        else:
            if traits["needy"]:
                out.append("needy_family")
            if age < 18 and rng.random() < 0.03:
                out.append("orphan")
            head = traits["head"]
            if someone is head and someone.sex == "F" and len(traits["members"]) > 1 and \
                    not any(m.role == _REL.SPOUSE for m in traits["members"]):
                out.append("single_mother" if rng.random() < 0.5 else
                           "woman_difficult_situation")
        if someone.sex == "F" and age >= 18 and "woman_difficult_situation" not in out \
                and rng.random() < 0.03:
            out.append("woman_difficult_situation")
        someone.vulnerabilities = out
        return out

    def _languages(self, someone: _Someone) -> list[str]:
        rng = self.rng
        if someone.migrant:
            return ["ar"] if someone.migrant in ("SY", "YE") else \
                rng.choice((["fr"], ["en"], ["fr", "other"], ["other"]))
        region = self.ref.commune_region.get(someone.commune, "06")
        choices = _LANGUAGES.get(region, (("ary", 1),))
        first = rng.choices([c for c, _w in choices], [w for _c, w in choices])[0]
        out = [first]
        if first in _AMAZIGH or first in ("mey", "es"):
            out.append("ary")
        age = self.year - someone.year
        if 12 <= age <= 60 and rng.random() < 0.25:
            out.append("ar")
        if 12 <= age <= 50 and rng.random() < 0.15:
            out.append("fr")
        return list(dict.fromkeys(out))

    def _person(self, someone: _Someone, rec: dict, centre: int, when: datetime, *,
                first: bool) -> int:
        rng, ref = self.rng, self.ref
        index = len(self.out.persons)
        names = {f: "" for f in Person.NAME_FIELDS}
        names["first_name_ar"] = rec.get("first_name_ar", "")
        names["family_name_ar"] = rec.get("last_name_ar", "")
        names["first_name_lat"] = rec.get("first_name_lat", "")
        names["family_name_lat"] = rec.get("last_name_lat", "")
        for column in ("father", "mother"):
            value = rec.get(f"{column}_name", "")
            if value:
                names[f"{column}_name_{'ar' if is_arabic(value) else 'lat'}"] = value
        birth_date, birth_year, approximate = self._birth(someone, rec, first=first)
        commune = rec.get("commune_code", "") if not first else someone.commune
        commune = commune or someone.commune
        adult = self.adult(someone)
        registrar = ref.registrars.get(centre)
        # Documents as the services store them; a CIN or RNP number the registry already
        # holds would be refused, which the writer checks across chunks.
        documents = []
        cin = _normalised(identifiers.normalise_cin, rec.get("cin"))
        if cin:
            documents.append((_DOC.CIN, cin, "", ""))
        rnp = _normalised(identifiers.normalise_digits, rec.get("other_id", "")[1:])
        if rnp:
            documents.append((_DOC.RNP, rnp, "", ""))
        if someone.migrant and first:
            r = rng.random()
            if r < 0.55:
                documents.append((_DOC.PASSPORT, _passport(rng), someone.migrant, ""))
            elif r < 0.8:
                documents.append((_DOC.RESIDENCE_CARD, f"E{rng.randrange(10**6, 10**7)}",
                                  someone.migrant, ""))
            else:
                documents.append((_DOC.NONE, "", "", IdentityDocument.NoneReason.NO_PAPERS))
        elif not documents:
            if not adult and rng.random() < 0.6:
                documents.append((_DOC.NONE, "", "", IdentityDocument.NoneReason.CHILD))
            elif adult and rng.random() < 0.3:
                reason = rng.choices(("no_papers", "lost", "refused"), (4, 5, 1))[0]
                documents.append((_DOC.NONE, "", "", reason))
        phones = []
        phone = someone.phone if first else phone_e164(rec.get("phone", ""))
        if phone:
            phones.append((phone, Phone.Kind.MOBILE, ""))
        elif not adult and someone.household is not None and first:
            head = self.household_traits[someone.household]["head"]
            if head.phone and rng.random() < 0.5:
                phones.append((head.phone, Phone.Kind.RELATIVE, "Parent"))
        self.out.persons.append((
            *(names[f] for f in Person.NAME_FIELDS), _SEX[someone.sex], birth_date,
            birth_year, approximate, json.dumps(self._languages(someone)),
            ref.commune_ids.get(commune), rec.get("address", ""),
            json.dumps(self._vulnerabilities(someone)), centre, registrar,
            name_key(names[f] for f in Person.NAME_FIELDS), when, when))
        for kind, number, country, reason in documents:
            self.out.documents.append((index, kind, number, country, reason, when, registrar))
        for number, kind, note in phones:
            self.out.phones.append((index, number, kind, note))
        since = when.astimezone(_TZ).date()
        self.out.follows.append((index, centre, since, None))
        if first and rng.random() < 0.04:
            region = ref.commune_region.get(commune, "")
            other = rng.choice(ref.region_centres.get(region) or (centre,))
            if other != centre:
                start = min(since + timedelta(days=rng.randrange(1, 365)),
                            ref.now.date())
                end = start + timedelta(days=rng.randrange(30, 300))
                self.out.follows.append((index, other, start,
                                         end if end < ref.now.date() and rng.random() < 0.5
                                         else None))
        raw = _raw(names=names, sex=_SEX[someone.sex], birth_date=birth_date,
                   birth_year=birth_year,
                   commune_code=commune if ref.commune_ids.get(commune) else "",
                   address=rec.get("address", ""), cin=cin or "",
                   other_id=_first_other(documents), phone=phones[0][0] if phones else "")
        self.out.keys.append(sorted(match_keys(normalise_record(raw))))
        if cin or rnp:
            self.out.raws[index] = raw
        return index

    def _birth(self, someone: _Someone, rec: dict, *, first: bool
               ) -> tuple[date | None, int, bool]:
        if first and self.year - someone.year >= 60 and self.rng.random() < 0.25:
            # Many older people were registered late: only a (presumed) year is known.
            return None, someone.year, True
        try:
            parsed = _date(rec.get("birth_date", ""))
        except InvalidValue:
            parsed = None
        if parsed is not None and parsed.month and parsed.day:
            try:
                day = date(parsed.year, parsed.month, parsed.day)
            except ValueError:
                day = None
            if day is not None and day <= self.ref.now.date():
                return day, day.year, False
        if parsed is not None and 1900 <= parsed.year <= self.year:
            return None, parsed.year, self.rng.random() < 0.6
        # No readable date: reception writes down an estimate of the year.
        year = min(self.year, someone.year + self.rng.choice((-2, -1, 0, 0, 0, 1, 2)))
        return None, year, True


@lru_cache(maxsize=65536)
def _date(text: str):
    return normalise_date(text)


@lru_cache(maxsize=131072)
def _words(name: str) -> str:
    return identifiers.name_key(name).strip()


def name_key(names) -> str:
    """``identifiers.name_key(*names)``, a name at a time through a cache (some tens of
    thousands of names, in their spellings, make up millions of persons)."""
    words = " ".join(w for w in map(_words, names) if w)
    return f" {words} " if words else ""


_MOROCCAN = re.compile(r"^(?:\+212|00212|0)([5-8][0-9]{8})$")


@lru_cache(maxsize=4096)
def _valid_prefix(prefix: str) -> bool:
    return identifiers.try_normalise_phone(f"+212{prefix}{'0' * (9 - len(prefix))}") is not None


def phone_e164(text: str) -> str:
    """``identifiers.normalise_phone`` of a phone, or "" when it refuses it. A Moroccan
    number's validity depends only on its first five digits (phonenumbers' metadata for
    MA), so it is looked up once per prefix; other numbers go through phonenumbers."""
    if not text:
        return ""
    match = _MOROCCAN.match(identifiers.compact(text))
    if match is None:
        return identifiers.try_normalise_phone(text) or ""
    national = match.group(1)
    return f"+212{national}" if _valid_prefix(national[:5]) else ""


def _normalised(normalise: Callable[[str], str], value: str | None) -> str:
    if not value:
        return ""
    try:
        return normalise(value)
    except Exception:  # noqa: BLE001 - a ValidationError: the clerk would not record it
        return ""


def _first_other(documents: list[tuple]) -> str:
    """The identifier registry/duplicates.py reads besides the CIN: the first numbered
    document other than a CIN, in the model's ordering (by kind)."""
    others = sorted((kind, number) for kind, number, _c, _r in documents
                    if number and kind != _DOC.CIN)
    return others[0][1] if others else ""


def _passport(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return f"{rng.choice(letters)}{rng.choice(letters)}{rng.randrange(10**6, 10**7)}"


def _sex_of(rec: dict) -> str:
    try:
        sex = normalise_sex(rec.get("sex"))
    except InvalidValue:
        sex = ""
    if sex:
        return sex
    entry = _lookup(_FIRST_INDEX, rec.get("first_name_ar") or rec.get("first_name_lat"))
    if entry is None:
        return ""
    return "M" if entry[0] in _FIRST_NAMES["M"] else "F"


def _first_entry(rec: dict):
    return _lookup(_FIRST_INDEX, rec.get("first_name_ar") or rec.get("first_name_lat"))


def _year_of(rec: dict) -> int | None:
    try:
        parsed = _date(rec.get("birth_date", ""))
    except InvalidValue:
        return None
    return parsed.year if parsed else None


def _rename(rec: dict, which: str, entry, model: dict | None) -> None:
    """Write ``entry`` (arabic, latin spellings) as the first or family name of ``rec``, in
    the scripts the record has; a Latin spelling is copied from ``model`` when it has one."""
    if entry is None:
        return
    if f"{which}_name_ar" in rec:
        rec[f"{which}_name_ar"] = entry[0]
    if f"{which}_name_lat" in rec:
        latin = (model or {}).get(f"{which}_name_lat")
        rec[f"{which}_name_lat"] = latin if latin and _lookup(
            _LAST_INDEX if which == "last" else _FIRST_INDEX, latin) == entry else entry[1][0]


_REFERENCE: Reference | None = None


def init_worker(ref: Reference) -> None:
    global _REFERENCE
    _REFERENCE = ref


def generate_chunk(spec: tuple[int, int, int], ref: Reference | None = None) -> Chunk:
    """The rows of chunk ``(index, seed, size)``: pure Python, run in a worker process."""
    index, seed, size = spec
    builder = _ChunkBuilder(ref or _REFERENCE, index, seed, size)
    builder.group()
    builder.make_migrants()
    builder.households()
    return builder.emit()
