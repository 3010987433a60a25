"""Activity figures in Casablanca: a prefecture of arrondissements' coordinator reads those of
the centres of its arrondissements (small cells suppressed), the prefecture of Casablanca's
coordinator those of all of them (jisr/testing/casablanca.py)."""

import pytest

from jisr.cases import services
from jisr.registry.models import Consent
from jisr.reports import aggregates, selectors
from jisr.reports.forms import KpiFilterForm
from jisr.testing.casablanca import casablanca
from jisr.testing.person_factories import PersonFactory


@pytest.fixture
def city(world):
    city = casablanca(world)
    worker = world.users["anfa_worker"]
    # Five more receptions at Anfa, so its count is above the small-cell threshold.
    for i in range(5):
        person = PersonFactory(registered_at=city.centre_anfa, commune=city.commune)
        Consent.objects.create(person=person, purpose=Consent.Purpose.CASE_FOLLOW_UP,
                               method=Consent.Method.SIGNATURE, recorded_by=worker,
                               centre=city.centre_anfa)
        services.case_open(actor=worker, person=person, channel="walk_in",
                           request=f"Demande {i}", assigned_to=worker)
    aggregates.kpis_refresh()
    return city


def _received(report, row=None):
    index = [f.key for f in report["figures"]].index("received")
    return (report["total"] if row is None else row)[index]


def test_the_coordinator_of_casablanca_anfa_reads_the_figures_of_the_anfa_centre(
        world, city, client_for):
    report = selectors.kpi_report(user=world.users["anfa_coordinator"],
                                  filters=KpiFilterForm.default())
    assert [centre for centre, _values in report["rows"]] == [city.centre_anfa]
    assert _received(report).value == 6
    # the drill-down to her centre, not to Al-Fida's nor Marrakech's
    anfa = client_for("anfa_coordinator")
    page = anfa.get(f"/reports/centres/{city.centre_anfa.pk}/")
    assert page.status_code == 200 and city.centre_anfa.name in page.content.decode()
    assert anfa.get(f"/reports/centres/{city.centre_fida.pk}/").status_code == 404
    assert anfa.get(f"/reports/centres/{world.centre_marrakech.pk}/").status_code == 404
    listing = anfa.get("/reports/").content.decode()
    assert city.centre_fida.name not in listing
    assert world.centre_marrakech.name not in listing


def test_the_coordinator_of_the_prefecture_of_casablanca_reads_every_arrondissement(
        world, city, client_for):
    report = selectors.kpi_report(user=world.users["casablanca_coordinator"],
                                  filters=KpiFilterForm.default())
    rows = dict(report["rows"])
    assert set(rows) == {city.centre_anfa, city.centre_fida}
    assert _received(report).value == 7
    assert _received(report, rows[city.centre_anfa]).value == 6
    assert _received(report, rows[city.centre_fida]).suppressed  # one case: fewer than five
    response = client_for("casablanca_coordinator").get(
        f"/reports/centres/{city.centre_fida.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["laila", "fida_worker", "karim"])
def test_the_outsiders_read_no_figure_of_anfa(world, city, client_for, name):
    response = client_for(name).get(f"/reports/centres/{city.centre_anfa.pk}/")
    assert response.status_code in (403, 404)
