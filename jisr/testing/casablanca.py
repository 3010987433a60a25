"""Casablanca, where the territory has a level more: the prefecture of Casablanca groups eight
prefectures of arrondissements, which have no commune of their own but arrondissements of the
commune of Casablanca (docs/territories.md). Added to the shared world by the tests that need
it (``casablanca(world)``), so the others stay as fast as they were.

Two of them, with a Jisr centre each: Casablanca-Anfa (its arrondissement Anfa) and
Al-Fida-Mers-Sultan (Al-Fida). Users, added to ``world.users`` so ``client_for`` logs them in:
``anfa_coordinator`` and ``fida_coordinator`` (provincial coordinators of the two prefectures of
arrondissements), ``casablanca_coordinator`` (of the prefecture of Casablanca),
``settat_coordinator`` (regional, Casablanca-Settat), ``anfa_worker`` and ``fida_worker``
(social workers of the two centres; the latter is the Anfa people's outsider). Each centre has a
person, followed there with an open case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jisr.accounts.roles import Role
from jisr.network.models import Centre
from jisr.territory.models import Arrondissement, Commune, Province
from jisr.testing.factories import (
    CentreFactory,
    CommuneFactory,
    ProvinceFactory,
    RegionFactory,
    UserFactory,
)
from jisr.testing.personas import PASSWORD

CANARY_PERSON_ANFA = "Canarypersonanfa"
CANARY_PERSON_FIDA = "Canarypersonfida"


@dataclass
class Casablanca:
    prefecture: Province
    anfa: Province
    fida: Province
    commune: Commune
    arrondissement_anfa: Arrondissement
    arrondissement_fida: Arrondissement
    centre_anfa: Centre
    centre_fida: Centre
    persons: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)


def casablanca(world) -> Casablanca:
    from jisr.cases import services
    from jisr.registry.models import Consent
    from jisr.testing.person_factories import PersonFactory

    region = RegionFactory(code="06", name_fr="Casablanca-Settat", name_ar="الدار البيضاء - سطات")
    prefecture = ProvinceFactory(code="06.141", region=region, kind=Province.Kind.PREFECTURE,
                                 name_fr="Casablanca", name_ar="الدار البيضاء")
    sub = Province.Kind.PREFECTURE_OF_ARRONDISSEMENTS
    anfa = ProvinceFactory(code="06.141.01.00", region=region, kind=sub, parent=prefecture,
                           name_fr="Casablanca-Anfa", name_ar="الدار البيضاء أنفا")
    fida = ProvinceFactory(code="06.141.01.10", region=region, kind=sub, parent=prefecture,
                           name_fr="Al-Fida-Mers-Sultan", name_ar="الفداء مرس السلطان")
    commune = CommuneFactory(code="06.141.01.0", province=prefecture, name_fr="Casablanca",
                             name_ar="الدار البيضاء", kind=Commune.Kind.URBAN,
                             has_arrondissements=True)
    arr_anfa = Arrondissement.objects.create(code="06.141.01.01", commune=commune,
                                             prefecture=anfa, name_fr="Anfa", name_ar="أنفا")
    arr_fida = Arrondissement.objects.create(code="06.141.01.11", commune=commune,
                                             prefecture=fida, name_fr="Al-Fida",
                                             name_ar="الفداء")
    centre_anfa = CentreFactory(code="JIS-06.141.01.01", commune=commune, arrondissement=arr_anfa,
                                name_fr="Centre Jisr Anfa", name_ar="مركز جسر أنفا")
    centre_fida = CentreFactory(code="JIS-06.141.01.11", commune=commune, arrondissement=arr_fida,
                                name_fr="Centre Jisr Al-Fida", name_ar="مركز جسر الفداء")

    def user(username, role, **scope):
        return UserFactory(username=username, role=role, password=PASSWORD,
                           last_name=username.capitalize(), **scope)

    world.users.update({
        "anfa_coordinator": user("anfa_coordinator", Role.PROVINCIAL_COORDINATOR, province=anfa),
        "fida_coordinator": user("fida_coordinator", Role.PROVINCIAL_COORDINATOR, province=fida),
        "casablanca_coordinator": user("casablanca_coordinator", Role.PROVINCIAL_COORDINATOR,
                                       province=prefecture),
        "settat_coordinator": user("settat_coordinator", Role.REGIONAL_COORDINATOR,
                                   region=region),
        "anfa_worker": user("anfa_worker", Role.SOCIAL_WORKER, centre=centre_anfa),
        "fida_worker": user("fida_worker", Role.SOCIAL_WORKER, centre=centre_fida),
    })
    city = Casablanca(prefecture, anfa, fida, commune, arr_anfa, arr_fida, centre_anfa,
                      centre_fida)
    for name, centre, canary, (first_ar, first_lat) in (
            ("anfa", centre_anfa, CANARY_PERSON_ANFA, ("سعاد", "Souad")),
            ("fida", centre_fida, CANARY_PERSON_FIDA, ("إدريس", "Driss"))):
        worker = world.users[f"{name}_worker"]
        person = PersonFactory(first_name_lat=first_lat, family_name_lat=canary,
                               first_name_ar=first_ar, family_name_ar="البيضاوي",
                               commune=commune, registered_at=centre)
        Consent.objects.create(person=person, purpose=Consent.Purpose.CASE_FOLLOW_UP,
                               method=Consent.Method.SIGNATURE, recorded_by=worker,
                               centre=centre)
        city.persons[name] = person
        city.cases[name] = services.case_open(actor=worker, person=person, channel="walk_in",
                                              request="Demande d'aide", assigned_to=worker)
    return city
