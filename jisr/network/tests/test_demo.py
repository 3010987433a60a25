"""The demo generator's network and staff steps."""

from jisr.accounts import demo as accounts_demo
from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.core.models import AuditEntry
from jisr.network import demo
from jisr.network.models import Centre, PartnerOrganisation, ServiceOffering
from jisr.territory.models import Province, Region
from jisr.territory.services import territories_load


def test_the_demo_spreads_the_network_over_the_12_regions_and_is_idempotent(db):
    # Given the real territories
    territories_load(indicators=False)
    # when the demo network and staff are built
    counts = demo.build(centres=40)
    staff = accounts_demo.build()
    audits = AuditEntry.objects.count()

    # then every region has centres and partners, the most populous ones more
    per_region = {r.code: Centre.objects.filter(commune__province__region=r).count()
                  for r in Region.objects.all()}
    assert all(n >= 2 for n in per_region.values())
    assert per_region["06"] > per_region["12"]  # Casablanca-Settat > Dakhla-Oued Ed-Dahab
    assert PartnerOrganisation.objects.values("region").distinct().count() == 12
    assert counts["offerings"] == ServiceOffering.objects.count() > 0
    # centres have coordinates, hours and services of their kind
    assert not Centre.objects.filter(latitude=None).exists()
    mobile = Centre.objects.filter(kind=Centre.Kind.MOBILE).first()
    assert set(mobile.offerings.values_list("service__code", flat=True)) == set(
        demo.CENTRE_SERVICES[Centre.Kind.MOBILE])
    # staff for every role, a coordinator for every province, a manager for every centre
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    assert User.objects.filter(role=Role.PROVINCIAL_COORDINATOR).count() >= \
        Province.objects.count()
    assert not Centre.objects.filter(manager=None).exists()
    assert staff["managers linked"] == Centre.objects.count()
    # centres of the cities divided into arrondissements are in one, near its middle, and
    # Casablanca's spread over its prefectures of arrondissements, whose coordinators see them
    assert not Centre.objects.filter(commune__has_arrondissements=True,
                                     arrondissement=None).exists()
    anfa = Centre.objects.get(code="JIS-06.141.01.0")
    assert anfa.arrondissement.code == "06.141.01.01"
    lat, lon = demo.commune_centroids()["06.141.01.01"]
    assert abs(float(anfa.latitude) - lat) < 0.02 and abs(float(anfa.longitude) - lon) < 0.02
    casablanca = Centre.objects.filter(commune__code="06.141.01.0")
    assert casablanca.values("arrondissement__prefecture").distinct().count() == \
        casablanca.count() > 1
    coordinator = User.objects.get(username="province-06.141.01.00.coordinator")
    assert list(policy.centres_for(coordinator)) == [anfa]
    # one audit entry per bulk operation, none per row
    assert AuditEntry.objects.filter(action__startswith="network.demo.").count() == 4

    # and a second run adds nothing
    assert demo.build(centres=40) == {"centres": 0, "partners": 0, "offerings": 0}
    assert accounts_demo.build() == {"staff": 0, "managers linked": 0}
    assert AuditEntry.objects.count() == audits


def test_the_demo_personas_find_their_centres(db):
    territories_load(indicators=False)
    demo.build()
    accounts_demo.build()
    khadija = User.objects.get(username="khadija")
    assert khadija.centre.manager is not None
    assert User.objects.get(username="karim").centre.commune.province.region.code == "02"
