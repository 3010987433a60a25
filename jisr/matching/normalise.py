"""Normalisation of names, identifiers and dates: pure functions, no state.

Every ``normalise_*`` function is idempotent (``f(f(x)) == f(x)``) so that a value stored
after normalisation can be normalised again, by a later version or another centre, without
drifting. Functions that can reject a value raise :class:`InvalidValue`; the caller decides
whether that is fatal (it never is for ``jisr dedup``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

__all__ = [
    "InvalidValue",
    "PartialDate",
    "is_arabic",
    "normalise_address",
    "normalise_arabic_name",
    "normalise_cin",
    "normalise_date",
    "normalise_identifier",
    "normalise_latin_name",
    "normalise_name",
    "normalise_phone",
    "normalise_sex",
]


class InvalidValue(ValueError):
    """A value that cannot be read; ``code`` is stable so reports can count by kind."""

    def __init__(self, code: str, value: str) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


# --- Arabic -------------------------------------------------------------------------------

# Harakat, Quranic marks, superscript alef and tatweel carry no identity in a name.
_AR_STRIP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_MAP = str.maketrans(
    {
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0649": "\u064a",  # ى alef maqsura -> ي
        "\u0629": "\u0647",  # ة ta marbuta -> ه
        "\u0624": "\u0648",  # ؤ
        "\u0626": "\u064a",  # ئ
        "\u06cc": "\u064a",  # Persian yeh
        "\u06a9": "\u0643",  # keheh -> ك
        "\u06af": "\u0643",  # گ (Moroccan g) -> ك, as most civil registers write it
        "\u06a4": "\u0641",  # ڤ -> ف
        "\u067e": "\u0628",  # پ -> ب
        "\u0621": None,  # ء a bare hamza is dropped or not written at random
    }
)
_AR_NON_LETTER = re.compile(r"[^\u0621-\u064a\s]")
_SPACES = re.compile(r"\s+")
# Words that begin a compound name and are written joined or apart at random.
_AR_JOIN_NEXT = {"عبد", "بن", "ولد", "ابو", "بو", "ال", "ايت", "اولاد", "مول"}


def is_arabic(text: str) -> bool:
    """True when most letters of ``text`` are Arabic."""
    arabic = latin = 0
    for ch in text:
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
            arabic += 1
        elif ch.isalpha():
            latin += 1
    return arabic > latin


def normalise_arabic_name(text: str) -> str:
    """Arabic name folded to one spelling per name, tokens separated by single spaces.

    Diacritics and tatweel go, alef/hamza forms become ا, ة becomes ه, ى becomes ي;
    ابن becomes بن; عبد, بن, ولد, ابو, ايت and a detached ال are joined to the next word,
    so عبد الله, عبدالله and عبد اللّه are one string.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _AR_STRIP.sub("", text).translate(_AR_MAP)
    text = _AR_NON_LETTER.sub(" ", text)
    tokens = _SPACES.sub(" ", text).strip().split(" ") if text.strip() else []
    tokens = ["بن" if t == "ابن" else t for t in tokens]
    out: list[str] = []
    pending = ""
    for tok in tokens:
        if tok in _AR_JOIN_NEXT:
            pending += tok
            continue
        out.append(pending + tok)
        pending = ""
    if pending:
        out.append(pending)
    return " ".join(out)


# --- Latin --------------------------------------------------------------------------------

_LAT_APOSTROPHES = re.compile("['’‘`´ʼʻ]")
_LAT_SEPARATORS = re.compile(r"[-_.,;/\\]+")
_LAT_NON_LETTER = re.compile(r"[^a-z\s]")
# Particles written joined or apart ("El Alaoui", "Elalaoui", "Ben Ali", "Benali").
_LAT_JOIN_NEXT = {
    "el", "al", "ben", "bent", "ibn", "ould", "bel", "abd", "abdel", "abdal", "abdul", "abou",
    "abu", "bou", "ait", "oulad", "moulay", "lalla", "sidi", "ed", "es", "et", "en", "er", "ez",
}
# Titles joined to the next word are part of the name as used; kept, only the spacing varies.


def normalise_latin_name(text: str) -> str:
    """Latin name: lower case, no accents or apostrophes, particles joined to the next word."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("ß", "ss").replace("æ", "ae").replace("œ", "oe")
    text = _LAT_APOSTROPHES.sub("", text)
    text = _LAT_SEPARATORS.sub(" ", text)
    text = _LAT_NON_LETTER.sub(" ", text)
    tokens = text.split()
    tokens = ["ben" if t == "ibn" else t for t in tokens]
    out: list[str] = []
    pending = ""
    for tok in tokens:
        if tok in _LAT_JOIN_NEXT:
            pending += tok
            continue
        out.append(pending + tok)
        pending = ""
    if pending:
        out.append(pending)
    return " ".join(out)


def normalise_name(text: str | None) -> str:
    """A name in either script, normalised in the script it is written in."""
    if not text:
        return ""
    return normalise_arabic_name(text) if is_arabic(text) else normalise_latin_name(text)


@lru_cache(maxsize=100_000)
def normalise_address(text: str | None) -> str:
    """Address tokens in either script, lower-cased, punctuation removed, digits kept."""
    # Kept (bounded): the members of a household, and a person met again, share theirs.
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _AR_STRIP.sub("", text).translate(_AR_MAP)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^0-9a-z\u0621-\u064a]+", " ", text)
    return " ".join(text.split())


# --- Identifiers --------------------------------------------------------------------------

# Carte nationale d'identité électronique: one or two letters then digits.
_CIN = re.compile(r"^[A-Z]{1,2}[0-9]{1,7}$")
_ID_STRIP = re.compile(r"[\s\-./_]+")


def normalise_cin(text: str | None) -> str:
    """Moroccan CIN upper-cased without spaces or punctuation; empty when absent.

    Raises InvalidValue("invalid_cin") when it is not letters followed by digits.
    """
    if not text or not text.strip():
        return ""
    value = _ID_STRIP.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not _CIN.match(value):
        raise InvalidValue("invalid_cin", text)
    return value


def normalise_identifier(text: str | None) -> str:
    """Any other identifier (passport, RAMED/AMO, RSU): upper-cased, separators removed."""
    if not text or not text.strip():
        return ""
    value = _ID_STRIP.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not value.isalnum():
        raise InvalidValue("invalid_identifier", text)
    return value


_PHONE_SEPARATORS = re.compile(r"[\s\-./()]+")
_MA_PHONE = re.compile(r"^(?:0|\+212|00212)([5-8][0-9]{8})$")


def normalise_phone(text: str | None, region: str = "MA") -> str:
    """Phone number in E.164 (``+212612345678``); empty when absent.

    Numbers written without a country code are read as numbers of ``region``.
    """
    if not text or not text.strip():
        return ""
    raw = text.strip()
    if region == "MA":
        # The common Moroccan forms, without the cost of a full parse (a large share of a
        # million-row import's time otherwise).
        digits = _PHONE_SEPARATORS.sub("", raw)
        m = _MA_PHONE.match(digits)
        if m:
            return "+212" + m.group(1)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue("invalid_phone", text) from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidValue("invalid_phone", text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_SEX = {
    "m": "M", "male": "M", "h": "M", "homme": "M", "masculin": "M", "1": "M", "ذكر": "M",
    "f": "F", "female": "F", "femme": "F", "feminin": "F", "féminin": "F", "2": "F",
    "انثى": "F", "أنثى": "F", "انثي": "F",
}


def normalise_sex(text: str | None) -> str:
    """``M``, ``F`` or empty."""
    if not text or not text.strip():
        return ""
    value = text.strip().lower()
    if value in ("M", "F"):
        return value
    try:
        return _SEX[value]
    except KeyError:
        upper = text.strip().upper()
        if upper in ("M", "F"):
            return upper
        raise InvalidValue("invalid_sex", text) from None


# --- Dates --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A birth date of which only the year may be known (common on late registrations)."""

    year: int
    month: int = 0
    day: int = 0

    def iso(self) -> str:
        if not self.month:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})$"), "y"),
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def normalise_date(text: str | PartialDate | None) -> PartialDate | None:
    """Birth date from YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, YYYY-MM or a year alone.

    A date whose month is over 12 but reads correctly with day and month swapped is taken
    swapped (the swap is the common keying error); anything else unreadable raises
    InvalidValue("invalid_date").
    """
    if text is None or isinstance(text, PartialDate):
        return text
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        return None
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(raw)
        if not m:
            continue
        parts = [int(g) for g in m.groups()]
        if order == "y":
            year, month, day = parts[0], 0, 0
        elif order == "ym":
            year, month, day = parts[0], parts[1], 0
            if not 1 <= month <= 12:
                raise InvalidValue("invalid_date", text)
        else:
            if order == "ymd":
                year, month, day = parts
            else:
                day, month, year = parts
            if not _valid(year, month, day):
                if _valid(year, day, month):
                    month, day = day, month
                else:
                    raise InvalidValue("invalid_date", text)
        if not 1850 <= year <= 2100:
            raise InvalidValue("invalid_date", text)
        return PartialDate(year, month, day)
    raise InvalidValue("invalid_date", text)
