"""The access policy in Casablanca, whose prefectures of arrondissements have no commune of
their own: their coordinators supervise the centres of their arrondissements, the prefecture of
Casablanca's coordinator all of them (jisr/testing/casablanca.py)."""

import pytest

from jisr.accounts import policy
from jisr.cases import selectors as case_selectors
from jisr.core.exceptions import AccessDenied
from jisr.testing.casablanca import casablanca
from jisr.testing.factories import PartnerFactory


@pytest.fixture
def city(world):
    return casablanca(world)


def _centres(user):
    return set(policy.centres_for(user).values_list("code", flat=True))


def test_a_prefecture_of_arrondissements_coordinator_sees_the_centres_of_its_arrondissements(
        world, city):
    # Given the coordinator of Casablanca-Anfa, whose prefecture has no commune of its own
    anfa = world.users["anfa_coordinator"]
    # then she supervises the centre of her arrondissement, not that of Al-Fida nor Marrakech
    assert _centres(anfa) == {"JIS-06.141.01.01"}
    assert _centres(world.users["fida_coordinator"]) == {"JIS-06.141.01.11"}
    # and the persons followed there, as any coordinator those of her centres
    persons = set(policy.persons_for(anfa))
    assert city.persons["anfa"] in persons
    assert city.persons["fida"] not in persons and world.persons["marrakech"] not in persons
    # and the case counts of her territory
    counts = case_selectors.case_counts(user=anfa)
    assert [row["centre"] for row in counts] == [city.centre_anfa]


def test_the_prefecture_of_casablanca_and_the_region_keep_every_arrondissement(world, city):
    both = {"JIS-06.141.01.01", "JIS-06.141.01.11"}
    assert _centres(world.users["casablanca_coordinator"]) == both
    assert _centres(world.users["settat_coordinator"]) == both
    assert {row["centre"] for row in case_selectors.case_counts(
        user=world.users["casablanca_coordinator"])} == {city.centre_anfa, city.centre_fida}


def test_the_coordinators_of_casablanca_see_their_teams(world, city):
    def staff(name):
        return set(policy.staff_for(world.users[name]).values_list("username", flat=True))

    assert staff("anfa_coordinator") == {"anfa_coordinator", "anfa_worker"}
    # the prefecture's coordinator sees those of its prefectures of arrondissements
    assert staff("casablanca_coordinator") == {
        "casablanca_coordinator", "anfa_coordinator", "fida_coordinator", "anfa_worker",
        "fida_worker"}


def test_the_outsiders_of_anfa_get_nothing_of_it(world, city):
    # The worker of another arrondissement, the coordinator of Marrakech and the outsider
    for name in ("fida_worker", "laila", "karim"):
        user = world.users[name]
        assert "JIS-06.141.01.01" not in _centres(user)
        assert not policy.persons_for(user).filter(pk=city.persons["anfa"].pk).exists()
        assert not policy.cases_for(user).filter(pk=city.cases["anfa"].pk).exists()
    # and Anfa's coordinator nothing of Marrakech
    assert not policy.centres_for(world.users["anfa_coordinator"]).filter(
        pk=world.centre_marrakech.pk).exists()
    assert not policy.persons_for(world.users["anfa_coordinator"]).filter(
        pk=world.persons["marrakech"].pk).exists()


def test_a_prefecture_of_arrondissements_coordinator_places_centres_in_its_arrondissements(
        world, city):
    anfa = world.users["anfa_coordinator"]
    assert list(policy.communes_for(anfa)) == [city.commune]
    assert list(policy.arrondissements_for(anfa)) == [city.arrondissement_anfa]
    assert set(policy.arrondissements_for(world.users["casablanca_coordinator"])) == {
        city.arrondissement_anfa, city.arrondissement_fida}
    assert not policy.arrondissements_for(world.laila).exists()
    assert not policy.arrondissements_for(world.karim).exists()


def test_the_home_names_the_territory_down_to_the_arrondissement(world, city, client_for):
    home = client_for("anfa_worker").get("/").content.decode()
    assert "Anfa ‹ Casablanca ‹ Casablanca-Anfa ‹ Casablanca-Settat" in home
    home = client_for("anfa_coordinator").get("/").content.decode()
    assert "Casablanca ‹ Casablanca-Settat" in home


def test_partners_serving_a_prefecture_of_arrondissements_are_its_and_casablanca_s(
        world, city):
    anfa_partner = PartnerFactory(code="P-ANFA", region=city.anfa.region, province=city.anfa)
    fida_partner = PartnerFactory(code="P-FIDA", region=city.fida.region, province=city.fida)
    anfa, prefecture = world.users["anfa_coordinator"], world.users["casablanca_coordinator"]
    assert policy.can_edit_partner(anfa, anfa_partner)
    assert not policy.can_edit_partner(anfa, fida_partner)
    assert policy.can_edit_partner(prefecture, anfa_partner)
    assert policy.can_edit_partner(prefecture, fida_partner)
    assert not policy.can_edit_partner(world.laila, anfa_partner)
    policy.check_create_partner(prefecture, city.anfa.region, city.anfa)
    with pytest.raises(AccessDenied):
        policy.check_create_partner(anfa, city.fida.region, city.fida)
