"""The live duplicate check's candidate query at its limits: a key held by more persons
than the matching engine's block limit brings none of them, and a name-only key pairs a
dated draft only with persons lacking a full date, counting only those (the query stops
each key at one row past its limit, so the boundaries are what these tests pin)."""

from datetime import date

from jisr.matching import block_limit, normalise_record
from jisr.registry import duplicates
from jisr.testing.person_factories import PersonFactory

FIRST_NAMES = ["Ahmed", "Omar", "Rachid", "Hicham", "Nabil", "Karim", "Yassine", "Ayoub",
               "Hamza", "Mehdi", "Driss", "Brahim", "Said", "Hassan", "Khalid", "Ismail"]


def _candidates(draft: dict) -> set[int]:
    record = normalise_record(duplicates.draft_to_match_record(draft))
    return duplicates._candidate_ids(record, duplicates.match_keys(record))


def _tazi(world, first: str, year: int, **extra):
    return PersonFactory(first_name_ar="", family_name_ar="", first_name_lat=first,
                         family_name_lat="Tazi", sex="male", birth_year=year,
                         birth_date=date(year, 2, 3), registered_at=world.centre_marrakech,
                         **extra)


def test_a_family_name_held_by_as_many_persons_as_its_limit_still_brings_them(world):
    # Given as many Tazis as the family-name key's limit, sharing nothing else with the draft
    limit = block_limit("l:x")
    tazis = {_tazi(world, FIRST_NAMES[i], 1950 + i).pk for i in range(limit)}
    draft = {"first_name_lat": "Zineb", "family_name_lat": "Tazi", "sex": "female",
             "birth_date": date(1999, 9, 9)}
    # then they are all candidates
    assert _candidates(draft) == tazis
    # and one more makes the key too common to say anything: none of them is
    _tazi(world, FIRST_NAMES[limit], 1950 + limit)
    assert _candidates(draft) == set()


def test_a_name_only_key_counts_only_the_persons_without_a_full_date(world):
    # Given more persons of the same names with full dates than a name-only key's limit
    dated = [PersonFactory(first_name_ar="", family_name_ar="", first_name_lat="Zineb",
                           family_name_lat="Alami", sex="female", birth_year=1930 + i % 60,
                           birth_date=date(1930 + i % 60, 1 + i % 12, 1 + i % 28),
                           registered_at=world.centre_marrakech)
             for i in range(block_limit("n:x") + 1)]
    # and one with only a year of birth
    undated = PersonFactory(first_name_ar="", family_name_ar="", first_name_lat="Zineb",
                            family_name_lat="Alami", sex="female", birth_year=1975,
                            registered_at=world.centre_marrakech)
    draft = {"first_name_lat": "Zineb", "family_name_lat": "Alami", "sex": "female",
             "birth_date": date(1991, 11, 30)}
    # the dated draft meets the undated person through the name-only key: the dated
    # persons holding that key do not count towards its limit
    found = _candidates(draft)
    assert undated.pk in found
    assert not found & {p.pk for p in dated if p.birth_year != 1991}
    # while a draft without a full date meets every holder of the key, which is then too
    # common: only the name-and-year key brings those born that year
    born_1975 = {p.pk for p in dated if p.birth_year == 1975}
    assert born_1975
    assert _candidates({**draft, "birth_date": None, "birth_year": 1975}) == \
        born_1975 | {undated.pk}


def test_candidates_are_read_as_the_services_read_persons(world):
    # Given persons with every field the engine reads: eight names, two documents besides
    # the CIN, two phones, a commune and an address
    from jisr.registry.models import IdentityDocument, Phone

    people = []
    for i, first in enumerate(("Fatima", "Fatma")):
        person = PersonFactory(
            first_name_ar="فاطمة", family_name_ar="الزهراء", father_name_ar="محمد",
            mother_name_ar="خديجة", first_name_lat=first, family_name_lat="Zahra",
            father_name_lat="Mohamed", mother_name_lat="Khadija", sex="female",
            birth_year=1984, birth_date=date(1984, 5, 6 + i), address="12 Rue Al Amal",
            commune=world.centre_marrakech.commune, registered_at=world.centre_marrakech,
            cin=f"BE12345{i}", phone="0612345678")
        IdentityDocument.objects.create(person=person, kind="rsu", number=f"00123456{i}")
        IdentityDocument.objects.create(person=person, kind="passport", number=f"AB99{i}",
                                        country="MA")
        Phone.objects.create(person=person, number="+212698765432")
        duplicates.person_match_keys_refresh(person)
        people.append(person)
    draft = {"first_name_lat": "Fatima", "family_name_lat": "Zahra", "sex": "female",
             "birth_date": date(1984, 5, 6)}
    record = normalise_record(duplicates.draft_to_match_record(draft))
    # then the check reads each candidate exactly as person_match_keys_refresh does
    found = duplicates._candidates(record, duplicates.match_keys(record))
    assert {p.pk for p in people} <= set(found)
    for person in people:
        expected = normalise_record(duplicates.person_to_match_record(person))
        assert found[person.pk] == expected
        assert found[person.pk].other_id == "AB990" or found[person.pk].other_id == "AB991"
