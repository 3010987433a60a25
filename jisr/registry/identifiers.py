"""Identifiers and names as people type them, turned into the one form the registry stores.

Pure functions (no database): the national identity card number (CIN), other document
numbers, phone numbers (through ``phonenumbers``, Morocco by default), and the search key of
names in Arabic and Latin script. Errors are translated sentences naming what is expected.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Eastern Arabic and Persian digits, as typed on Arabic keyboards, become Western digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-./_]+")
CIN = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
_DIGITS_ONLY = re.compile(r"^[0-9]{6,20}$")
_ALNUM = re.compile(r"^[A-Z0-9]{4,20}$")
DEFAULT_PHONE_REGION = "MA"


def compact(value: str) -> str:
    """Upper-case, Western digits, no spaces, dots or hyphens."""
    return _SEPARATORS.sub("", str(value).translate(_DIGITS)).upper()


def normalise_cin(value: str) -> str:
    """``"be 123 456"`` → ``"BE123456"``; raises ValidationError when it cannot be a CIN."""
    cin = compact(value)
    if not CIN.match(cin):
        raise ValidationError(
            _("A national identity card number (CIN) is one or two letters followed by up "
              "to six digits, for example BE123456."), code="cin")
    return cin


def normalise_digits(value: str) -> str:
    number = compact(value)
    if not _DIGITS_ONLY.match(number):
        raise ValidationError(_("This identifier is written with digits only (6 to 20)."),
                              code="digits")
    return number


def normalise_document(value: str) -> str:
    number = compact(value)
    if not _ALNUM.match(number):
        raise ValidationError(_("A document number is 4 to 20 letters and digits."),
                              code="document")
    return number


def mask(number: str) -> str:
    """``"AB123456"`` → ``"AB****56"``: enough to tell two cards apart, not to copy one."""
    if not number:
        return ""
    if len(number) <= 4:
        return number[:1] + "*" * (len(number) - 1)
    head = len(number) - len(number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) or 1
    head = min(head, 2)
    return number[:head] + "*" * (len(number) - head - 2) + number[-2:]


# A Moroccan number in its usual forms (national with the 0, or +212/00212), digits
# grouped by spaces, hyphens or dots: its nine digits are the national number as
# ``phonenumbers.parse`` reads it (it strips the same separators, and the national prefix 0).
_MA_FORM = re.compile(r"(?:0|\+212)([1-9][0-9]{8})")  # fullmatch: "$" would allow a "\n"
_MA_SEPARATORS = re.compile(r"[ .\-]+")


def normalise_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """Any way of writing a number (``06 12 34 56 78``, ``+212612345678``, ``00212…``) →
    E.164 (``+212612345678``); raises ValidationError when it is not a possible number."""
    text = str(value).translate(_DIGITS).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if region == "MA":
        # An import checks a phone on most rows, and the parse is two thirds of the cost
        # of a check while giving nothing more for these forms. Only a number phonenumbers
        # itself finds valid takes this path; anything else is parsed as before.
        form = _MA_FORM.fullmatch(_MA_SEPARATORS.sub("", text))
        if form:
            national = form.group(1)
            number = phonenumbers.PhoneNumber(country_code=212, national_number=int(national))
            if phonenumbers.is_valid_number(number):
                return "+212" + national
    return _parsed_phone(text, region)


def _parsed_phone(text: str, region: str) -> str:
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("This is not a valid phone number, for example 0612345678 "
                                "or +212612345678."), code="phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(value: str) -> str | None:
    try:
        return normalise_phone(value)
    except ValidationError:
        return None


# Arabic letters written several ways in practice: one form for comparison.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ئ": "ي",
                              "ؤ": "و", "ة": "ه", "ـ": None})
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_NOT_LETTER = re.compile(r"[^\w\s]|_|\d")


def name_key(*names: str) -> str:
    """The search key of a person's names: lower-case Latin without accents, Arabic without
    vowel marks and with its variant letters folded; words separated by single spaces and
    framed by spaces, so a search can match the start of any word (``" ben"``)."""
    words: list[str] = []
    for name in names:
        if name:
            words.extend(_name_words(str(name)))
    return f" {' '.join(words)} " if words else ""


@lru_cache(maxsize=100_000)
def _name_words(name: str) -> tuple[str, ...]:
    # Each name is folded on its own, and names repeat endlessly in a list (an import
    # folds six per row).
    text = _ARABIC_MARKS.sub("", name).translate(_ARABIC_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _NOT_LETTER.sub(" ", text.replace("'", "").replace("’", ""))
    return tuple(text.split())


def name_words(query: str) -> list[str]:
    """The words of a typed name, folded like :func:`name_key`."""
    return name_key(query).split()
