"""Identifiers and names are stored in one normalised form; bad ones get clear errors."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

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
