"""Records: the names and addresses kept between records are the ones computed afresh."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jisr.matching import generate_people
from jisr.matching.normalise import (
    is_arabic,
    normalise_address,
    normalise_arabic_name,
    normalise_latin_name,
)
from jisr.matching.record import Name
from jisr.matching.translit import arabic_key, latin_key, onset, skeletons, vowel_gaps

from .test_normalise import NAME_TEXT


def _name_afresh(raw: str, script: str | None) -> Name | None:
    # Name.parse as written before spellings normalising alike shared their Name.
    if not raw or not raw.strip():
        return None
    if script is None:
        script = "ar" if is_arabic(raw) else "lat"
    elif script == "ar" and not is_arabic(raw):
        script = "lat"
    elif script == "lat" and is_arabic(raw):
        script = "ar"
    if script == "ar":
        text = normalise_arabic_name(raw)
        key = arabic_key(text)
    else:
        text = normalise_latin_name(raw)
        key = latin_key(text)
    if not text or not key:
        return None
    return Name(script, text, key, skeletons(text), onset(text), vowel_gaps(text))


@given(NAME_TEXT, st.sampled_from([None, "ar", "lat"]))
def test_a_name_is_the_same_whether_computed_or_kept(raw, script):
    assert Name.parse(raw, script) == _name_afresh(raw, script)
    assert Name.parse(raw, script) == _name_afresh(raw, script)  # now kept


def test_the_generated_names_and_their_variants_are_the_same_kept_or_computed():
    # Given the generator's names, with its spelling variants in both scripts
    for person in generate_people(3000, seed=7, duplicate_rate=0.3):
        for field, script in (("first_name_ar", "ar"), ("last_name_ar", "ar"),
                              ("first_name_lat", "lat"), ("last_name_lat", "lat"),
                              ("father_name", None), ("mother_name", None)):
            raw = person.get(field) or ""
            assert Name.parse(raw, script) == _name_afresh(raw, script), raw
        # And an address kept is the address computed
        address = person.get("address") or ""
        assert normalise_address(address) == normalise_address.__wrapped__(address)

