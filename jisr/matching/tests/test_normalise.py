"""Normalisation: one spelling per name, identifiers and dates in one form."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.matching.normalise import (
    InvalidValue,
    PartialDate,
    normalise_address,
    normalise_arabic_name,
    normalise_cin,
    normalise_date,
    normalise_identifier,
    normalise_latin_name,
    normalise_name,
    normalise_phone,
    normalise_sex,
)

ARABIC_LETTERS = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
NAME_TEXT = st.text(
    alphabet=st.one_of(
        ARABIC_LETTERS,
        st.sampled_from("abcdefghijklmnopqrstuvwxyzÀÉÈÏÎÔÇéèàâêîôûçÿ' -’.ABCXYZ"),
        st.characters(),
    ),
    max_size=30,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مُحَمَّد", "محمد"),  # harakat
        ("محـــمد", "محمد"),  # tatweel
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمال", "امال"),
        ("فاطمة", "فاطمه"),  # ta marbuta
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("عبد الله", "عبدالله"),
        ("عبدالله", "عبدالله"),
        ("عبد  الرحمن", "عبدالرحمن"),
        ("ابن علي", "بنعلي"),
        ("بن علي", "بنعلي"),
        ("ولد محمد", "ولدمحمد"),
        ("ال علوي", "العلوي"),
        ("ﻣﺤﻤﺪ", "محمد"),  # presentation forms
    ],
)
def test_it_folds_arabic_spellings(raw: str, expected: str) -> None:
    assert normalise_arabic_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Aïcha", "aicha"),
        ("SAÂDIA", "saadia"),
        ("M'hamed", "mhamed"),
        ("M’barek", "mbarek"),
        ("El Alaoui", "elalaoui"),
        ("El-Alaoui", "elalaoui"),
        ("Ben Ali", "benali"),
        ("Ould  Ahmed", "ouldahmed"),
        ("Fatim-Zahra", "fatim zahra"),
        ("Ibn Battouta", "benbattouta"),
    ],
)
def test_it_folds_latin_spellings(raw: str, expected: str) -> None:
    assert normalise_latin_name(raw) == expected


@given(NAME_TEXT)
def test_name_normalisation_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(st.text(max_size=40))
def test_address_normalisation_is_idempotent(text: str) -> None:
    once = normalise_address(text)
    assert normalise_address(once) == once


@given(st.from_regex(r"\A[A-Za-z]{1,2} ?[0-9]{1,6}\Z"))
def test_cin_normalisation_is_idempotent(text: str) -> None:
    once = normalise_cin(text)
    assert normalise_cin(once) == once
    assert once == once.upper() and " " not in once


def test_it_upper_cases_cin_without_spaces() -> None:
    assert normalise_cin(" ab 123 456 ") == "AB123456"
    assert normalise_cin("bk-915904") == "BK915904"
    assert normalise_cin("") == ""


@pytest.mark.parametrize("raw", ["123456", "AB12C34", "ABC123456", "A#1234"])
def test_it_rejects_malformed_cin(raw: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        normalise_cin(raw)
    assert exc.value.code == "invalid_cin"


def test_it_rejects_identifiers_with_symbols() -> None:
    assert normalise_identifier("r-123 456") == "R123456"
    with pytest.raises(InvalidValue):
        normalise_identifier("R12#3")


@pytest.mark.parametrize(
    "raw",
    ["0612345678", "06 12 34 56 78", "+212612345678", "00212 612345678", "+212 6-12-34-56-78"],
)
def test_it_writes_phones_in_international_form(raw: str) -> None:
    assert normalise_phone(raw) == "+212612345678"


def test_it_keeps_foreign_phones_foreign() -> None:
    assert normalise_phone("+33 6 12 34 56 78") == "+33612345678"


@pytest.mark.parametrize("raw", ["12", "phone", "+212 1"])
def test_it_rejects_impossible_phones(raw: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        normalise_phone(raw)
    assert exc.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-03-12", PartialDate(1985, 3, 12)),
        ("19850312", PartialDate(1985, 3, 12)),
        ("12/03/1985", PartialDate(1985, 3, 12)),
        ("12.03.1985", PartialDate(1985, 3, 12)),
        ("1985", PartialDate(1985)),
        ("1985-03", PartialDate(1985, 3)),
        ("1985-25-03", PartialDate(1985, 3, 25)),  # day and month swapped at entry
        ("2000-02-29", PartialDate(2000, 2, 29)),
    ],
)
def test_it_reads_dates_in_common_forms(raw: str, expected: PartialDate) -> None:
    assert normalise_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/31/1990", "1990-02-30", "1900-13-13", "yesterday", "1700"])
def test_it_rejects_unreadable_dates(raw: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        normalise_date(raw)
    assert exc.value.code == "invalid_date"


@given(st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 12, 31)))
def test_date_normalisation_is_idempotent(day: date) -> None:
    parsed = normalise_date(day.strftime("%Y%m%d"))
    assert parsed == PartialDate(day.year, day.month, day.day)
    assert normalise_date(parsed.iso()) == parsed
    assert normalise_date(day.strftime("%d/%m/%Y")) == parsed


@pytest.mark.parametrize(
    ("raw", "expected"), [("m", "M"), ("F", "F"), ("Homme", "M"), ("ذكر", "M"), ("أنثى", "F")]
)
def test_it_reads_sex_in_three_languages(raw: str, expected: str) -> None:
    assert normalise_sex(raw) == expected
