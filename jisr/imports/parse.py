"""One spreadsheet row → a person to register, or the reasons it cannot be.

Values are checked with the registry's own rules (``registry.identifiers`` for the CIN,
other identifiers and phones, the model's rules for names and dates) and refused when hostile
(control characters, text-direction overrides, markup, spreadsheet formulas). Each problem
names its column, so the report says exactly which cell to correct.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from jisr.imports.fields import SCRIPT_NEUTRAL, fold_header
from jisr.registry import identifiers
from jisr.registry.models import HouseholdMembership, Language, Person, Vulnerability

MAX_NAME = Person._meta.get_field("first_name_ar").max_length
MAX_ADDRESS = Person._meta.get_field("address").max_length
MAX_HOUSEHOLD = 100
MAX_VALUE = 1000  # any cell; longer is refused before any other check

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# C0/C1 controls (tab aside), and the invisible characters that reorder or hide text.
_HOSTILE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069<>\ufeff]")
_UNDECODED = "\ufffd"  # what a byte of another encoding became
_INVISIBLE = re.compile("[\u200b-\u200f\u061c]")  # zero-width and direction marks: dropped
_NAME_EXTRA = frozenset(" -'’.")
_ARABIC = re.compile("[\u0600-\u06ff]")
_APPROX = re.compile(r"^(?:~|ca\.?|env\.?|environ|vers|approx\.?|about|حوالي|حوالى)\s*",
                     re.IGNORECASE)
_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), "dmy"),
)
_YEAR = re.compile(r"^(\d{4})$")
_LIST_SEPARATORS = re.compile(r"[,;/|،؛+]")

NAME_FIELDS = Person.NAME_FIELDS
DOCUMENT_FIELDS = ("cin", "rnp", "rsu", "passport", "residence_card")
NATIONAL = ("cin", "rnp")
_NORMALISE_DOCUMENT = {"cin": identifiers.normalise_cin, "rnp": identifiers.normalise_digits,
                       "rsu": identifiers.normalise_digits,
                       "passport": identifiers.normalise_document,
                       "residence_card": identifiers.normalise_document}
_DOCUMENT_CODES = {"cin": "invalid_cin", "digits": "invalid_digits",
                   "document": "invalid_document"}


@dataclass(slots=True)
class Problem:
    column: str
    field: str
    value: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass(slots=True)
class Draft:
    """A valid row, ready to become a Person with its documents, phones and household."""

    row: int
    names: dict
    sex: str
    birth_date: date | None
    birth_year: int | None
    birth_approximate: bool
    documents: list  # [(kind, number, country)]
    phones: list
    commune_id: int | None
    commune_code: str
    address: str
    languages: list
    vulnerabilities: list
    household: str
    relationship: str
    fingerprint: str = ""

    def national_ids(self) -> list[tuple[str, str]]:
        return [(kind, number) for kind, number, _c in self.documents if kind in NATIONAL]


def _fold(text: str) -> str:
    return fold_header(text)


@lru_cache(maxsize=8)
def _choice_lookup(kind: str) -> dict[str, str]:
    """Folded code or label (English, French, Arabic) → choice value."""
    choices = {"languages": Language, "vulnerabilities": Vulnerability,
               "relationship": HouseholdMembership.Relationship}[kind]
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_fold(value)] = value
        for language in ("en", "fr", "ar"):
            with translation.override(language):
                lookup.setdefault(_fold(str(label)), value)
    lookup.update({_fold(k): v for k, v in _EXTRA_WORDS.get(kind, {}).items()})
    return lookup


_R = HouseholdMembership.Relationship
_EXTRA_WORDS = {
    "relationship": {
        "chef": _R.HEAD, "chef de menage": _R.HEAD, "chef de famille": _R.HEAD,
        "cm": _R.HEAD, "head": _R.HEAD, "رب الأسرة": _R.HEAD, "ربة الأسرة": _R.HEAD,
        "رب الاسرة": _R.HEAD, "conjoint": _R.SPOUSE, "conjointe": _R.SPOUSE,
        "epoux": _R.SPOUSE, "epouse": _R.SPOUSE, "wife": _R.SPOUSE, "husband": _R.SPOUSE,
        "زوج": _R.SPOUSE, "زوجة": _R.SPOUSE, "الزوج": _R.SPOUSE, "الزوجة": _R.SPOUSE,
        "enfant": _R.CHILD, "fils": _R.CHILD, "fille": _R.CHILD, "son": _R.CHILD,
        "daughter": _R.CHILD, "ابن": _R.CHILD, "ابنة": _R.CHILD, "بنت": _R.CHILD,
        "الابن": _R.CHILD, "البنت": _R.CHILD, "pere": _R.PARENT, "mere": _R.PARENT,
        "father": _R.PARENT, "mother": _R.PARENT, "الأب": _R.PARENT, "الأم": _R.PARENT,
        "frere": _R.SIBLING, "soeur": _R.SIBLING, "sœur": _R.SIBLING, "brother": _R.SIBLING,
        "sister": _R.SIBLING, "أخ": _R.SIBLING, "أخت": _R.SIBLING, "الأخ": _R.SIBLING,
        "الأخت": _R.SIBLING, "petit fils": _R.GRANDCHILD, "petite fille": _R.GRANDCHILD,
        "حفيد": _R.GRANDCHILD, "حفيدة": _R.GRANDCHILD, "grand pere": _R.GRANDPARENT,
        "grand mere": _R.GRANDPARENT, "الجد": _R.GRANDPARENT, "الجدة": _R.GRANDPARENT,
        "autre parent": _R.OTHER_RELATIVE, "sans lien": _R.NOT_RELATED,
    },
    "languages": {"darija": "ary", "الدارجة": "ary", "arabe": "ar", "العربية": "ar",
                  "amazigh": "tzm", "tamazight": "tzm", "الأمازيغية": "tzm",
                  "francais": "fr", "الفرنسية": "fr", "espagnol": "es", "anglais": "en"},
}
_SEX = {"f": "female", "female": "female", "femme": "female", "feminin": "female",
        "w": "female", "أنثى": "female", "انثى": "female", "أ": "female", "ا": "female",
        "m": "male", "h": "male", "male": "male", "homme": "male", "masculin": "male",
        "ذكر": "male", "ذ": "male"}
_SEX_FOLDED = {_fold(k): v for k, v in _SEX.items()}


class CommuneIndex:
    """Every commune by HCP code and by its names, loaded once per run. A name shared by
    several communes is resolved in favour of the importing centre's province, then region."""

    def __init__(self, *, province_id=None, region_id=None):
        from jisr.territory.models import Commune

        self.by_code: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, list[tuple[int, str, int, int]]] = {}
        for pk, code, name_fr, name_ar, province, region in Commune.objects.values_list(
                "pk", "code", "name_fr", "name_ar", "province_id", "province__region_id"):
            self.by_code[code] = (pk, code)
            for name in {_fold(name_fr), _fold(name_ar)} - {""}:
                self.by_name.setdefault(name, []).append((pk, code, province, region))
        self.province_id, self.region_id = province_id, region_id

    def resolve(self, value: str) -> tuple[int, str] | str:
        """(id, code), or the problem's code."""
        compact = "".join(value.translate(_DIGITS).split())
        if compact in self.by_code:
            return self.by_code[compact]
        found = self.by_name.get(_fold(value), [])
        for narrow in (lambda c: c[2] == self.province_id, lambda c: c[3] == self.region_id):
            if len(found) > 1:
                found = [c for c in found if narrow(c)] or found
        if len(found) == 1:
            return found[0][0], found[0][1]
        return "ambiguous_commune" if found else "unknown_commune"


def _clean(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.isascii():
        return text.strip()
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).strip()


def _valid_name(text: str) -> bool:
    letters = False
    for c in text:
        if c.isalpha():
            letters = True
        elif c not in _NAME_EXTRA and not unicodedata.category(c).startswith("M") \
                and c != "\u0640":
            return False
    return letters


def parse_date(text: str) -> tuple[date | None, int | None, bool] | str:
    """(date, year, approximate) or the problem's code."""
    raw = text.translate(_DIGITS).strip()
    approximate = False
    match = _APPROX.match(raw)
    if match:
        approximate, raw = True, raw[match.end():].strip()
    year = _YEAR.match(raw)
    if year:
        return None, int(year.group(1)), approximate
    for pattern, order in _DATE_FORMATS:
        m = pattern.match(raw)
        if m:
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d), y, approximate
            except ValueError:
                return "invalid_date"
    return "invalid_date"


class RowParser:
    """Parses the rows of one file with one mapping (``{header: field}``)."""

    def __init__(self, *, headers: list[str], mapping: dict[str, str],
                 communes: CommuneIndex):
        self.columns = [(i, h, mapping.get(h, "")) for i, h in enumerate(headers)
                        if mapping.get(h)]
        self.communes = communes
        self.today = timezone.localdate()

    def parse(self, number: int, cells: list) -> tuple[Draft | None, list[Problem]]:
        problems: list[Problem] = []
        values: dict[str, tuple[str, str]] = {}  # field → (value, column)
        for index, header, name in self.columns:
            value = _clean(cells[index]) if index < len(cells) else ""
            if not value:
                continue
            if len(value) > MAX_VALUE:
                problems.append(Problem(header, name, value, "too_long", {"max": MAX_VALUE}))
                continue
            if _UNDECODED in value:
                problems.append(Problem(header, name, value, "bad_character"))
                continue
            if _HOSTILE.search(value):
                problems.append(Problem(header, name, value, "hostile_text"))
                continue
            if value[0] in "=@" and name not in ("phone", "phone2"):
                problems.append(Problem(header, name, value, "formula"))
                continue
            values[name] = (value, header)
        draft = self._draft(number, values, problems)
        return (None if problems else draft), problems

    def _draft(self, number: int, values: dict, problems: list) -> Draft:
        def bad(name: str, code: str, **params) -> None:
            value, column = values.get(name, ("", ""))
            problems.append(Problem(column, name, value, code, params))

        names = dict.fromkeys(NAME_FIELDS, "")
        for name in NAME_FIELDS:
            if name in values:
                names[name] = values[name][0]
        for neutral in SCRIPT_NEUTRAL:
            if neutral in values:
                text = values[neutral][0]
                target = f"{neutral}_ar" if _ARABIC.search(text) else f"{neutral}_lat"
                if not names[target]:  # a column of that script, when mapped, wins
                    names[target] = text
                    values[target] = values[neutral]
        for name in NAME_FIELDS:
            text = names[name]
            if not text:
                continue
            text = " ".join(text.split())
            names[name] = text
            if len(text) > MAX_NAME:
                bad(name, "too_long", max=MAX_NAME)
            elif not _valid_name(text):
                bad(name, "invalid_name")
        if not ((names["first_name_ar"] or names["first_name_lat"])
                and (names["family_name_ar"] or names["family_name_lat"])):
            problems.append(Problem("", "", "", "required_names"))

        sex = ""
        if "sex" not in values:
            problems.append(Problem("", "sex", "", "required_sex"))
        else:
            sex = _SEX_FOLDED.get(_fold(values["sex"][0]), "")
            if not sex:
                bad("sex", "invalid_sex")

        birth_date, birth_year, approximate = None, None, False
        if "birth_date" in values:
            parsed = parse_date(values["birth_date"][0])
            if isinstance(parsed, str):
                bad("birth_date", parsed)
            else:
                birth_date, birth_year, approximate = parsed
                if birth_date and not date(1900, 1, 1) <= birth_date <= self.today:
                    bad("birth_date", "birth_range")
                elif not birth_date and not 1900 <= birth_year <= self.today.year:
                    bad("birth_date", "invalid_year")
        if "birth_year" in values:
            parsed = parse_date(values["birth_year"][0])
            if isinstance(parsed, str) or parsed[0] is not None:
                bad("birth_year", "invalid_year")
            else:
                year = parsed[1]
                approximate = approximate or parsed[2]
                if not 1900 <= year <= self.today.year:
                    bad("birth_year", "invalid_year")
                elif birth_year and birth_year != year:
                    bad("birth_year", "year_differs")
                else:
                    birth_year = year
        if birth_year is None and not any(p.field in ("birth_date", "birth_year")
                                          for p in problems):
            problems.append(Problem("", "birth_date", "", "required_birth"))

        documents = []
        country = ""
        if "document_country" in values:
            country = values["document_country"][0].upper().strip()
            if not (len(country) == 2 and country.isascii() and country.isalpha()):
                bad("document_country", "invalid_country")
        for kind in DOCUMENT_FIELDS:
            if kind not in values:
                continue
            try:
                number_ = _NORMALISE_DOCUMENT[kind](values[kind][0])
            except ValidationError as exc:
                bad(kind, _DOCUMENT_CODES.get(exc.error_list[0].code, "invalid_document"))
                continue
            documents.append((kind, number_, country if kind in ("passport",
                                                                   "residence_card") else ""))

        phones = []
        for name in ("phone", "phone2"):
            if name in values:
                phone = identifiers.try_normalise_phone(values[name][0])
                if phone is None:
                    bad(name, "invalid_phone")
                elif phone not in phones:
                    phones.append(phone)

        commune_id, commune_code = None, ""
        if "commune" in values:
            found = self.communes.resolve(values["commune"][0])
            if isinstance(found, str):
                params = {}
                if found == "ambiguous_commune":
                    params["codes"] = ", ".join(sorted(
                        c[1] for c in self.communes.by_name.get(_fold(values["commune"][0]),
                                                                []))[:5])
                bad("commune", found, **params)
            else:
                commune_id, commune_code = found

        address = ""
        if "address" in values:
            address = " ".join(values["address"][0].split())
            if len(address) > MAX_ADDRESS:
                bad("address", "too_long", max=MAX_ADDRESS)

        lists = {}
        for name, code in (("languages", "invalid_language"),
                           ("vulnerabilities", "invalid_vulnerability")):
            lists[name] = []
            if name in values:
                lookup = _choice_lookup(name)
                for token in _LIST_SEPARATORS.split(values[name][0]):
                    if not token.strip():
                        continue
                    choice = lookup.get(_fold(token))
                    if choice is None:
                        bad(name, code, value=token.strip()[:50])
                    elif choice not in lists[name]:
                        lists[name].append(choice)

        household = ""
        if "household" in values:
            household = " ".join(values["household"][0].split())
            if len(household) > MAX_HOUSEHOLD:
                bad("household", "too_long", max=MAX_HOUSEHOLD)
        relationship = ""
        if "relationship" in values:
            relationship = _choice_lookup("relationship").get(_fold(values["relationship"][0]),
                                                              "")
            if not relationship:
                bad("relationship", "invalid_relationship")
            elif not household:
                bad("relationship", "relationship_without_household")
        elif household:
            problems.append(Problem("", "relationship", "", "household_without_relationship"))

        draft = Draft(row=number, names=names, sex=sex, birth_date=birth_date,
                      birth_year=birth_year, birth_approximate=approximate,
                      documents=documents, phones=phones, commune_id=commune_id,
                      commune_code=commune_code, address=address,
                      languages=lists["languages"], vulnerabilities=lists["vulnerabilities"],
                      household=household, relationship=relationship)
        if not problems:
            draft.fingerprint = fingerprint(draft)
        return draft


def fingerprint(draft: Draft) -> str:
    """What makes two rows the same row: every parsed value, however it was written (so
    ``06 12 34 56 78`` and ``+212612345678`` are one phone, a re-export in another column
    order or encoding is the same file)."""
    content = [[draft.names[n] for n in NAME_FIELDS], draft.sex,
               draft.birth_date.isoformat() if draft.birth_date else "", draft.birth_year,
               draft.birth_approximate, draft.documents, draft.phones, draft.commune_code,
               draft.address, draft.languages, draft.vulnerabilities, draft.household,
               draft.relationship]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":"))
                          .encode()).hexdigest()
