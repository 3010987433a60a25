"""Identifiers and names are stored in one normalised form; bad ones get clear errors."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from hypothesis import example, given
from hypothesis import strategies as st

from jisr.registry import identifiers


@pytest.mark.parametrize("typed, stored", [
    ("BE123456", "BE123456"), ("be 123 456", "BE123456"), ("j-12345", "J12345"),
    ("A١٢٣٤٥٦", "A123456"), (" ab.1234 ", "AB1234")])
def test_it_normalises_valid_cins(typed, stored):
    assert identifiers.normalise_cin(typed) == stored


@pytest.mark.parametrize("typed", ["", "123456", "ABC123", "AB1234567", "AB12X4", "بي123",
                                   "<script>", "AB"])
def test_it_rejects_invalid_cins_with_a_translated_message(typed):
    with pytest.raises(ValidationError) as error:
        identifiers.normalise_cin(typed)
    assert "one or two letters" in error.value.messages[0]
    # A lazy message, translated where it is shown (the catalogues carry the French and
    # Arabic sentences).
    assert isinstance(error.value.message, Promise)


@pytest.mark.parametrize("typed", ["0612345678", "06 12 34 56 78", "+212612345678",
                                   "00212612345678", "٠٦١٢٣٤٥٦٧٨", "+212 6-12-34-56-78"])
def test_it_stores_phones_in_e164(typed):
    assert identifiers.normalise_phone(typed) == "+212612345678"


def test_it_keeps_foreign_numbers_with_their_country_code():
    assert identifiers.normalise_phone("+221 77 123 45 67") == "+221771234567"


@pytest.mark.parametrize("typed", ["12", "not a phone", "0012", "+2126123"])
def test_it_rejects_impossible_phones(typed):
    with pytest.raises(ValidationError, match="not a valid phone number"):
        identifiers.normalise_phone(typed)


def _phone_outcome(check, text):
    try:
        return check(text)
    except ValidationError as error:
        return error.code


def _parsed(value):
    # The full parse alone, as normalise_phone did it before its shortcut for Moroccan forms.
    text = str(value).translate(identifiers._DIGITS).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    return identifiers._parsed_phone(text, "MA")


def test_the_moroccan_shortcut_gives_what_the_full_parse_gives_for_every_prefix():
    # Given numbers of every three-digit prefix, in each usual form, grouped or not
    draw = random.Random(2026)
    forms = [lambda n: "0" + n, lambda n: "+212" + n, lambda n: "00212" + n,
             lambda n: "0" + " ".join(n[i:i + 2] for i in range(0, 9, 2)),
             lambda n: "+212 " + "-".join((n[:1], n[1:3], n[3:6], n[6:])),
             lambda n: "0" + ".".join((n[:1], n[1:5], n[5:]))]
    for prefix in range(1000):
        for _ in range(3):
            national = f"{prefix:03d}{draw.randrange(10 ** 6):06d}"
            for form in forms:
                text = form(national)
                # Then the shortcut and the parse agree, valid or not
                assert _phone_outcome(identifiers.normalise_phone, text) == \
                    _phone_outcome(_parsed, text), text


@given(st.text(alphabet="0123456789+ .-()/٠٦x\n", max_size=18))
@example("0-612345678")
@example(".+212612345678")
@example("0 0612345678")
@example("+212 0612345678")
@example("0612345678-")
@example("06..12 34 56 78")
@example("0612345678\n-")
def test_the_moroccan_shortcut_gives_what_the_full_parse_gives_for_any_text(text):
    assert _phone_outcome(identifiers.normalise_phone, text) == _phone_outcome(_parsed, text)


def test_masking_keeps_the_letters_and_last_two_digits_only():
    assert identifiers.mask("AB123456") == "AB****56"
    assert identifiers.mask("J12345") == "J***45"
    assert identifiers.mask("") == ""


def test_the_name_key_folds_accents_case_and_arabic_variants():
    key = identifiers.name_key("Éléonore", "Ben-Ali", "أحمد", "فاطمة", "")
    assert key == " eleonore ben ali احمد فاطمه "
    assert identifiers.name_words("  FATIMA  إحمد ") == ["fatima", "احمد"]
    # Vowel marks typed or not, the same key
    assert identifiers.name_key("مُحَمَّد") == identifiers.name_key("محمد")


def _name_key_unshared(*names):
    # name_key as written before each name's words were kept: all names folded in one go.
    import re
    import unicodedata

    words = []
    for name in names:
        if not name:
            continue
        text = identifiers._ARABIC_MARKS.sub("", str(name)).translate(identifiers._ARABIC_FOLD)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
        text = re.sub(r"[^\w\s]|_|\d", " ", text.replace("'", "").replace("’", ""))
        words.extend(text.split())
    return f" {' '.join(words)} " if words else ""


@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(
    ["Éléonore", "Ben-Ali", "أحمد", "فاطمة", "مُحَمَّد", "Aït", "d'Ouarzazate", "ﻷ", "ß", "İ"])),
    max_size=6))
def test_the_name_key_of_names_met_before_is_the_same(names):
    assert identifiers.name_key(*names) == _name_key_unshared(*names)
    assert identifiers.name_key(*names) == _name_key_unshared(*names)  # the words kept
