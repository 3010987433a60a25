"""The territory browser: public pages, région → province → commune."""

from django.test import Client

from jisr.territory.models import Arrondissement, CensusIndicators, IndicatorDefinition
from jisr.testing.personas import CANARIES


def _indicators():
    IndicatorDefinition.objects.create(
        key="disability_prevalence", subject="people", topic="disability", position=1,
        label_en="Disability prevalence", label_fr="Prévalence du handicap (%)",
        heading_fr="Prévalence du handicap (%)", unit="percent",
        definition_fr="Part des personnes en situation de handicap.")
    CensusIndicators.objects.create(level="commune", code="07.351.01.0", area="total",
                                    values={"disability_prevalence": 4.2})


def test_a_visitor_walks_from_the_map_to_a_commune_without_logging_in(world, client):
    # Given census figures for Marrakech, and a visitor with no account (reading English)
    _indicators()
    # when they open the territories, the region, the province and the commune
    index = client.get("/territories/")
    region = client.get("/territories/region/07/")
    province = client.get("/territories/province/07.351/")
    commune = client.get("/territories/commune/07.351.01.0/")
    # then every page answers, and links to the next level
    assert index.status_code == region.status_code == 200
    assert province.status_code == commune.status_code == 200
    assert b'data-geojson="/static/territory/regions.geojson"' in index.content
    assert b'href="/territories/region/07/"' in index.content
    assert b'href="/territories/province/07.351/"' in region.content
    assert b'href="/territories/commune/07.351.01.0/"' in province.content
    # and the commune shows its indicator with HCP's definition, and the centres there
    assert "Disability prevalence" in commune.content.decode()
    assert "Part des personnes en situation de handicap." in commune.content.decode()
    assert "4.2\u202f%" in commune.content.decode()
    assert b'href="/directory/centres/JIS-07.351.01.0/"' in commune.content


def test_figures_keep_western_digits_and_one_run_in_arabic(world):
    world.marrakech_safi.population_2024 = 4892393
    world.marrakech_safi.save()
    body = Client().get("/territories/", HTTP_COOKIE="jisr_language=ar").content.decode()
    assert "4\u202f892\u202f393" in body
    assert not any(ch in body for ch in "٠١٢٣٤٥٦٧٨٩")


def test_an_arrondissement_leads_to_its_citys_page(world):
    Arrondissement.objects.create(code="07.351.01.05", name_fr="Ménara", name_ar="المنارة",
                                  commune=world.centre_marrakech.commune)
    response = Client().get("/territories/commune/07.351.01.05/")
    assert response.status_code == 302
    assert response["Location"] == "/territories/commune/07.351.01.0/#arrondissement-07.351.01.05"


def test_unknown_territories_are_not_found(db):
    assert Client().get("/territories/region/99/").status_code == 404
    assert Client().get("/territories/commune/nope/").status_code == 404


def test_the_outsider_sees_the_public_pages_and_no_staff_names(world, client_for):
    # Given karim, the social worker in Oujda
    client = client_for("karim")
    # when he browses another region's territory pages
    for url in ("/territories/", "/territories/region/07/", "/territories/province/07.351/",
                "/territories/commune/07.351.01.0/"):
        body = client.get(url).content.decode()
        # then he gets public data only: no staff name of any scope
        assert not any(canary in body for canary in CANARIES if canary != "Canaryoujda")


def test_pages_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    _indicators()
    client = Client()
    with django_assert_max_num_queries(3):
        client.get("/territories/")
    with django_assert_max_num_queries(6):
        client.get("/territories/region/07/")
    with django_assert_max_num_queries(7):
        client.get("/territories/province/07.351/")
    with django_assert_max_num_queries(7):
        client.get("/territories/commune/07.351.01.0/")
