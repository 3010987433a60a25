"""Demo persons (``jisr demo --persons N``): how many, where, rows exactly as the registry
services write them, and planted duplicates that the live duplicate check finds."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import override_settings

from jisr.accounts import demo as accounts_demo
from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.core.exceptions import DomainError
from jisr.core.models import AuditEntry
from jisr.network import demo as network_demo
from jisr.network.models import Centre
from jisr.registry import demo, demo_people, identifiers, review
from jisr.registry.duplicates import duplicate_candidates, person_match_keys_refresh
from jisr.registry.models import (
    DuplicatePair,
    Household,
    HouseholdMembership,
    IdentityDocument,
    Person,
    PersonFollow,
    PersonMatchKey,
    Phone,
)
from jisr.territory.models import Commune, Region
from jisr.territory.services import territories_load


@pytest.fixture
def network(db):
    territories_load(indicators=False)
    network_demo.build(centres=40)
    accounts_demo.build()


def test_it_adds_persons_and_households_with_one_audit_entry_and_only_what_is_missing(
        network):
    # When the demo registry is asked for 1,500 persons
    counts = demo.build(persons=1500)

    # then it holds them, in households with one head each
    assert counts["persons"] == Person.objects.count() == 1500
    assert counts["households"] == Household.objects.count() > 300
    heads = Counter(HouseholdMembership.objects.filter(relationship="head")
                    .values_list("household_id", flat=True))
    assert set(heads.values()) == {1} and len(heads) == counts["households"]
    relationships = set(HouseholdMembership.objects.values_list("relationship", flat=True))
    assert {"head", "spouse", "child"} <= relationships
    # children carry the family name of their household's head
    same = total = 0
    for m in HouseholdMembership.objects.filter(relationship="child").select_related(
            "person", "household")[:200]:
        head = m.household.memberships.get(relationship="head").person
        if m.person.family_name_ar and head.family_name_ar:
            total += 1
            same += m.person.family_name_ar == head.family_name_ar
    assert total and same / total > 0.9
    # every person is followed by the centre that registered them
    assert PersonFollow.objects.filter(until=None).values("person").distinct().count() == 1500
    assert not Person.objects.exclude(follows__centre=F("registered_at")).exists()
    # planted duplicates and look-alike relatives
    assert counts["planted duplicates"] > 20 and counts["look-alike relatives"] > 10
    assert counts["match keys"] == PersonMatchKey.objects.count()
    # documents of every kind the registry knows for such people
    kinds = Counter(IdentityDocument.objects.values_list("kind", flat=True))
    assert kinds["cin"] > 300 and kinds["none"] > 50
    assert kinds["passport"] + kinds["residence_card"] > 0
    # one audit entry for the whole operation, with its counts
    entry = AuditEntry.objects.get(action=demo.AUDIT_ACTION)
    assert entry.kind == AuditEntry.Kind.BULK and entry.count == 1500
    assert f"{counts['households']} households" in entry.reason
    assert not AuditEntry.objects.filter(object_type="registry.person").exclude(
        pk=entry.pk).exists()

    # and a second run adds nothing, a larger number only the difference
    assert demo.build(persons=1500) == {}
    assert Person.objects.count() == 1500
    assert demo.build(persons=1800)["persons"] == 300
    assert Person.objects.count() == 1800
    assert AuditEntry.objects.filter(action=demo.AUDIT_ACTION).count() == 2


def test_persons_live_in_communes_in_proportion_to_their_population(network):
    outcome = demo.add_persons(4000, seed=7)
    duplicates = {b for _a, b in outcome.planted}
    persons = Person.objects.exclude(pk__in=duplicates)
    n = persons.count()
    per_region = Counter(persons.values_list("commune__province__region__code", flat=True))
    population = dict(Region.objects.values_list("code", "population_2024"))
    whole = sum(population.values())
    for code, people in population.items():
        # (uniform communes would give Casablanca-Settat 10 % instead of its 21 %)
        assert abs(per_region[code] / n - people / whole) < 0.04, code
    # registered at a centre of their commune, else of their province, else of their region
    outreach = {Centre.Kind.MOBILE, Centre.Kind.SHELTER}
    reception = Centre.objects.exclude(kind__in=outreach)
    in_commune = set(reception.values_list("commune_id", flat=True))
    in_province = set(reception.values_list("commune__province_id", flat=True))
    checked = 0
    for person in persons.select_related("commune__province", "registered_at__commune__province"
                                         ).exclude(registered_at__kind__in=outreach)[:800]:
        centre = person.registered_at.commune
        if person.commune_id in in_commune:
            assert centre.pk == person.commune_id
        elif person.commune.province_id in in_province:
            assert centre.province_id == person.commune.province_id
        else:
            assert centre.province.region_id == person.commune.province.region_id
        checked += 1
    assert checked > 500


def test_rows_are_those_the_registry_services_write(network):
    # Given a CIN the generator will draw is already registered (the registry refuses a
    # second person with it)
    ref = demo_people.reference()
    first = demo_people.generate_chunk((0, 11, 600), ref)
    cin = next(row[2] for row in first.documents if row[1] == "cin")
    holder = Person.objects.create(first_name_lat="Amal", family_name_lat="Holder",
                                   sex="female", birth_year=1980,
                                   registered_at=Centre.objects.first())
    IdentityDocument.objects.create(person=holder, kind="cin", number=cin)

    # when the demo adds persons
    demo.add_persons(600, seed=11, ref=ref)

    # then nobody else has that CIN, and no match key claims it
    assert IdentityDocument.objects.filter(kind="cin", number=cin).count() == 1
    for key, person_id in PersonMatchKey.objects.filter(key__startswith="cin:").values_list(
            "key", "person_id"):
        assert IdentityDocument.objects.filter(person_id=person_id, kind="cin",
                                               number=key[4:]).exists()
    # every row passes the models' validation unchanged (normalised documents and phones,
    # name_key, birth_year) and the match keys are what the services compute
    sample = Person.objects.exclude(pk=holder.pk).order_by("pk")[::7]
    assert len(sample) > 80
    for person in sample:
        name_key, year = person.name_key, person.birth_year
        person.full_clean()
        assert (person.name_key, person.birth_year) == (name_key, year)
        for document in person.documents.all():
            number = document.number
            document.full_clean(validate_constraints=False)
            assert document.number == number
        for phone in person.phones.all():
            number = phone.number
            phone.full_clean(validate_constraints=False)
            assert phone.number == number
        stored = set(person.match_keys.values_list("key", flat=True))
        person_match_keys_refresh(person)
        assert set(person.match_keys.values_list("key", flat=True)) == stored, person.pk


def test_the_live_duplicate_check_finds_the_planted_duplicates(network):
    outcome = demo.add_persons(3000, seed=3)
    assert len(outcome.planted) > 50
    officers = {c: User.objects.filter(centre_id=c, role__in=[
        Role.RECEPTION_OFFICER, Role.EMERGENCY_AGENT]).first() for c in
        Centre.objects.values_list("pk", flat=True)}
    found = 0
    for original_id, duplicate_id in outcome.planted:
        original = Person.objects.get(pk=original_id)
        # The officer of the first registration's centre types in the second one
        candidates = duplicate_candidates(user=officers[original.registered_at_id],
                                          draft=_draft(Person.objects.get(pk=duplicate_id)))
        found += original_id in {c.person.pk for c in candidates if c.person}
    assert found / len(outcome.planted) > 0.9


def test_the_duplicate_scan_files_mostly_the_planted_duplicates(network):
    # Given 3,000 demo persons in households, with planted duplicates and relatives
    outcome = demo.add_persons(3000, seed=3)
    same: dict[int, int] = {}  # person -> the first registration of that person
    for original, duplicate in outcome.planted:
        same[original] = same[duplicate] = original
    # When the registry is scanned for duplicates
    scan = review.duplicate_scan_start(actor=None, background=False)
    review.duplicate_scan_run(scan_id=scan.pk)
    pairs = list(DuplicatePair.objects.values_list("person_a_id", "person_b_id"))
    planted = [(a, b) for a, b in pairs if a in same and same[a] == same.get(b)]
    # Then most of the queue is the planted duplicates, not brothers or namesakes (the
    # rest are mostly the planted look-alike relatives), and nearly every planted
    # duplicate is in it
    assert len(planted) / len(pairs) > 0.6
    filed = set(pairs)
    found = sum(1 for a, b in outcome.planted if (min(a, b), max(a, b)) in filed)
    assert found >= 0.9 * len(outcome.planted)


def _draft(person: Person) -> dict:
    document = person.documents.exclude(number="").order_by("kind").first()
    phone = person.phones.first()
    return {**{f: getattr(person, f) for f in Person.NAME_FIELDS}, "sex": person.sex,
            "birth_date": person.birth_date, "birth_year": person.birth_year,
            "commune": person.commune, "address": person.address,
            "document_kind": document.kind if document else "",
            "document_number": document.number if document else "",
            "phone": phone.number if phone else ""}


def test_the_fast_paths_agree_with_the_registry_normalisers():
    rng = random.Random(5)
    for _ in range(3000):
        national = f"{rng.randrange(5, 9)}{rng.randrange(10**7, 10**8)}"
        for text in (f"0{national}", f"+212{national}", f"00212 {national}",
                     f"0{national[:1]} {national[1:3]} {national[3:5]} {national[5:]}"):
            assert demo_people.phone_e164(text) == (identifiers.try_normalise_phone(text)
                                                    or "")
    assert demo_people.phone_e164("+33612345678") == "+33612345678"
    names = ["محمد", "أمينة", "Aït Ali", "EL AMRANI", "ben-ali", "", "عبد الله"]
    for _ in range(200):
        chosen = rng.sample(names, 4)
        assert demo_people.name_key(chosen) == identifiers.name_key(*chosen)


def test_without_a_network_it_says_what_to_load_first(db):
    with pytest.raises(DomainError, match="territories and the demo network"):
        demo.build(persons=10)
    assert not Person.objects.exists()


@override_settings(DEMO=True)
def test_the_demo_command_adds_persons_once(db):
    out = StringIO()
    call_command("demo", "--no-serve", "--persons", "150", stdout=out)
    assert "demo persons: persons 150," in out.getvalue()
    assert Person.objects.count() == 150
    assert Commune.objects.count() > 1000
    out = StringIO()
    call_command("demo", "--no-serve", "--persons", "150", stdout=out)
    assert "demo persons: already there" in out.getvalue()
    assert Person.objects.count() == 150
    with pytest.raises(CommandError, match="--persons"):
        call_command("demo", "--no-serve", "--persons", "-1")
    assert Phone.objects.exists()
