"""Centres in a city divided into arrondissements: each records its arrondissement, which
must be in its commune, and in Casablanca decides which prefecture of arrondissements
supervises it (jisr/testing/casablanca.py)."""

import json

import pytest
from django.utils import translation

from jisr.core.exceptions import AccessDenied, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.network import services
from jisr.network.models import Centre
from jisr.territory.models import Arrondissement
from jisr.testing.casablanca import casablanca
from jisr.testing.factories import CommuneFactory

from .test_views import _centre_post


@pytest.fixture
def city(world):
    return casablanca(world)


def _create(actor, city, code, **fields):
    return services.centre_create(actor=actor, code=code, commune=city.commune,
                                  name_ar="مركز", name_fr="Centre", **fields)


def test_a_prefecture_of_arrondissements_coordinator_opens_a_centre_in_its_arrondissement(
        world, city):
    anfa = world.users["anfa_coordinator"]
    # When the coordinator of Casablanca-Anfa opens a centre in Anfa, it is hers to supervise
    centre = _create(anfa, city, "EPS-06.141.01.01", arrondissement=city.arrondissement_anfa,
                     kind="eps")
    assert centre.arrondissement == city.arrondissement_anfa
    assert centre.supervising_province == city.anfa
    entry = AuditEntry.objects.get(action="network.centre.create")
    assert entry.after["arrondissement"] == city.arrondissement_anfa.pk
    # but in the city without an arrondissement, or in Al-Fida's, it would leave her sight
    for code, fields in (("X-1", {}), ("X-2", {"arrondissement": city.arrondissement_fida})):
        with pytest.raises(ValidationFailed) as refused:
            _create(anfa, city, code, **fields)
        assert "arrondissement" in refused.value.fields
    # and Marrakech is not hers at all
    with pytest.raises(AccessDenied):
        services.centre_create(actor=anfa, code="X-3", commune=world.centre_marrakech.commune,
                               name_ar="س", name_fr="X")
    assert not Centre.objects.filter(code__startswith="X-").exists()


def test_the_prefecture_of_casablanca_places_centres_in_any_of_its_arrondissements(
        world, city):
    prefecture = world.users["casablanca_coordinator"]
    centre = _create(prefecture, city, "WOM-06.141.01.0")
    assert centre.arrondissement is None and centre.supervising_province == city.prefecture
    services.centre_update(actor=prefecture, centre=centre,
                           arrondissement=city.arrondissement_fida)
    assert Centre.objects.get(pk=centre.pk).arrondissement == city.arrondissement_fida


def test_an_arrondissement_of_another_commune_is_refused_with_a_translated_error(world, city):
    other = Arrondissement.objects.create(
        code="07.351.01.05", commune=world.centre_marrakech.commune, name_fr="Gueliz",
        name_ar="جليز")
    with translation.override("fr"), pytest.raises(ValidationFailed) as refused:
        services.centre_update(actor=world.users["settat_coordinator"], centre=city.centre_anfa,
                               arrondissement=other)
    assert "arrondissement" in refused.value.fields
    assert str(refused.value.fields["arrondissement"][0]) == \
        "Cet arrondissement ne se trouve pas dans la commune du centre."
    assert Centre.objects.get(pk=city.centre_anfa.pk).arrondissement == city.arrondissement_anfa


def test_a_coordinator_cannot_move_a_centre_out_of_her_territory_nor_a_manager_at_all(
        world, city):
    with pytest.raises(ValidationFailed):
        services.centre_update(actor=world.users["anfa_coordinator"], centre=city.centre_anfa,
                               arrondissement=city.arrondissement_fida)
    manager = world.users["anfa_worker"]
    manager.role = "centre_manager"
    manager.save(update_fields=["role"])
    with pytest.raises(ValidationFailed) as refused:
        services.centre_update(actor=manager, centre=city.centre_anfa,
                               arrondissement=city.arrondissement_fida)
    assert "arrondissement" in refused.value.fields
    assert Centre.objects.get(pk=city.centre_anfa.pk).arrondissement == city.arrondissement_anfa
    assert not AuditEntry.objects.filter(action="network.centre.update").exists()


def test_the_centre_form_offers_the_arrondissements_of_the_territory(world, city, client_for):
    anfa = client_for("anfa_coordinator")
    page = anfa.get("/network/centres/new/").content.decode()
    assert 'name="arrondissement"' in page and "Anfa" in page and "Al-Fida" not in page
    response = anfa.post("/network/centres/new/", {
        **_centre_post(city.centre_anfa, name_fr="Espace femmes Anfa", kind="women"),
        "code": "WOM-06.141.01.01", "commune": city.commune.pk,
        "arrondissement": city.arrondissement_anfa.pk})
    assert response.status_code == 302
    assert Centre.objects.get(code="WOM-06.141.01.01").arrondissement == \
        city.arrondissement_anfa
    # a commune without arrondissements has no such field to fill
    page = client_for("laila").get("/network/centres/new/").content.decode()
    assert 'name="arrondissement"' not in page


def test_the_staff_api_reads_and_writes_the_arrondissement(world, city, client_for):
    anfa = client_for("anfa_coordinator")
    listed = anfa.get("/api/v1/network/centres/").json()["results"]
    assert [(c["code"], c["arrondissement"]) for c in listed] == [
        ("JIS-06.141.01.01", "06.141.01.01")]
    created = anfa.post("/api/v1/network/centres/", json.dumps({
        "code": "EPS-06.141.01.01", "commune": "06.141.01.0", "arrondissement": "06.141.01.01",
        "name_ar": "مؤسسة", "name_fr": "EPS Anfa", "kind": "eps"}),
        content_type="application/json")
    assert created.status_code == 201 and created.json()["arrondissement"] == "06.141.01.01"
    refused = anfa.post("/api/v1/network/centres/", json.dumps({
        "code": "EPS-06.141.01.11", "commune": "06.141.01.0", "arrondissement": "06.141.01.11",
        "name_ar": "مؤسسة", "name_fr": "EPS Al-Fida", "kind": "eps"}),
        content_type="application/json")
    assert refused.status_code == 400
    assert "arrondissement" in refused.json()["error"]["fields"]
    assert not Centre.objects.filter(code="EPS-06.141.01.11").exists()


def test_the_directory_lists_the_centres_of_a_prefecture_of_arrondissements(world, city, client):
    # The public API, by the prefecture of arrondissements or by the parent prefecture
    def codes(**params):
        return [c["code"] for c in client.get("/api/v1/directory/centres/", params).json()[
            "results"]]

    assert codes(province="06.141.01.00") == ["JIS-06.141.01.01"]
    assert codes(province="06.141") == ["JIS-06.141.01.01", "JIS-06.141.01.11"]
    assert codes(arrondissement="06.141.01.11") == ["JIS-06.141.01.11"]
    detail = client.get("/api/v1/directory/centres/JIS-06.141.01.01/").json()
    assert detail["arrondissement"] == "06.141.01.01" and detail["province"] == "06.141"
    # the directory page, as the territory page links to it
    page = client.get("/directory/", {"region": "06", "province": "06.141.01.00"}).content.decode()
    assert "JIS-06.141.01.01" in page and "JIS-06.141.01.11" not in page
    assert "JIS-07.351.01.0" not in page
    province_page = client.get("/territories/province/06.141.01.00/").content.decode()
    assert "?region=06&amp;province=06.141.01.00" in province_page


def test_a_commune_without_arrondissements_still_takes_centres_without_one(world):
    commune = CommuneFactory(code="07.351.05.1", province=world.marrakech_province)
    centre = services.centre_create(actor=world.laila, code="JIS-07.351.05.1", commune=commune,
                                    name_ar="مركز", name_fr="Centre")
    assert centre.arrondissement is None
    assert centre.supervising_province == world.marrakech_province
