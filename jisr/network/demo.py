"""Demo network: centres and partners in all 12 régions (spread by population), with
addresses, coordinates, opening hours and service offerings.

Idempotent (existing codes are left as they are) and built with bulk inserts, one audit entry
per bulk operation, so larger networks (``JISR_DEMO_CENTRES``) take seconds, not hours.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Q

from jisr.core import audit
from jisr.env import env_int
from jisr.network import catalogue
from jisr.network.models import (
    Centre,
    PartnerOrganisation,
    Service,
    ServiceDomain,
    ServiceOffering,
)
from jisr.territory import source
from jisr.territory.models import Arrondissement, Commune, Region

_STATIC = Path(__file__).resolve().parents[1] / "territory" / "static" / "territory"

# (kind, Arabic label, French label) of the centres a large city gets beside its Jisr centre.
_CITY_CENTRES = [
    (Centre.Kind.WOMEN, "الفضاء متعدد الوظائف للنساء", "Espace multifonctionnel des femmes"),
    (Centre.Kind.EPS, "مؤسسة الرعاية الاجتماعية", "Établissement de protection sociale"),
    (Centre.Kind.MOBILE, "وحدة الإسعاف الاجتماعي المتنقل", "SAMU social"),
    (Centre.Kind.SHELTER, "مركز الإيواء الاستعجالي", "Centre d'hébergement d'urgence"),
]
_SMALL_CENTRES = [
    (Centre.Kind.TRAINING, "مركز التربية والتكوين", "Centre d'éducation et de formation"),
    (Centre.Kind.KINDERGARTEN, "روض الأطفال", "Jardin d'enfants"),
    (Centre.Kind.DISABILITY, "مركز الأطفال في وضعية إعاقة",
     "Centre pour enfants en situation de handicap"),
]
_PARTNERS = [
    (PartnerOrganisation.Kind.ASSOCIATION, "جمعية التضامن النسوي",
     "Association Solidarité féminine"),
    (PartnerOrganisation.Kind.HOSPITAL, "المركز الاستشفائي الجهوي", "Centre hospitalier régional"),
    (PartnerOrganisation.Kind.COOPERATIVE_SUPPORT, "مكتب تنمية التعاون",
     "Office du développement de la coopération"),
    (PartnerOrganisation.Kind.ADS, "وكالة التنمية الاجتماعية", "Agence de Développement Social"),
    (PartnerOrganisation.Kind.COMMUNE, "الجماعة", "Commune"),
    (PartnerOrganisation.Kind.SCHOOL, "المدرسة الدامجة", "École inclusive"),
    (PartnerOrganisation.Kind.COMPANY, "مقاولة مواطنة", "Entreprise citoyenne"),
]
# Codes are P-<prefix>-<région>: the first three letters of the kind, except where two kinds
# share them.
_PARTNER_PREFIX = {PartnerOrganisation.Kind.COMPANY: "ENT"}
# Which catalogue services each kind of centre or partner offers.
CENTRE_SERVICES = {
    Centre.Kind.JISR: ["reception-orientation", "listening-interview", "psychosocial-support",
                       "civil-registration", "national-id", "social-registry",
                       "health-coverage", "disability-card", "family-mediation", "food-aid"],
    Centre.Kind.EPS: ["residential-care", "elderly-day-care", "home-care", "food-aid"],
    Centre.Kind.TRAINING: ["literacy", "vocational-training", "income-generating",
                           "cooperative-support"],
    Centre.Kind.WOMEN: ["literacy", "vocational-training", "income-generating",
                        "violence-support", "legal-aid", "psychosocial-support"],
    Centre.Kind.KINDERGARTEN: ["preschool", "early-childhood"],
    Centre.Kind.DISABILITY: ["rehabilitation", "technical-aids", "inclusive-schooling",
                             "disability-card"],
    Centre.Kind.SHELTER: ["emergency-shelter", "emergency-kit", "food-aid", "child-protection"],
    Centre.Kind.MOBILE: ["street-outreach", "emergency-kit", "medical-referral"],
}
PARTNER_SERVICES = {
    PartnerOrganisation.Kind.ASSOCIATION: ["violence-support", "legal-aid", "school-support",
                                           "psychosocial-support"],
    PartnerOrganisation.Kind.HOSPITAL: ["medical-referral", "mental-health", "rehabilitation"],
    PartnerOrganisation.Kind.COOPERATIVE_SUPPORT: ["cooperative-support", "income-generating"],
    PartnerOrganisation.Kind.ADS: ["income-generating", "employability"],
    PartnerOrganisation.Kind.COMMUNE: ["housing-support", "food-aid"],
    PartnerOrganisation.Kind.SCHOOL: ["school-support", "inclusive-schooling"],
    PartnerOrganisation.Kind.COMPANY: ["employability", "vocational-training"],
}
_WEEKDAYS = [{"days": [1, 2, 3, 4, 5], "opens": "08:30", "closes": "16:30"}]
_SATURDAY = [{"days": [1, 2, 3, 4, 5], "opens": "08:30", "closes": "16:30"},
             {"days": [6], "opens": "09:00", "closes": "12:00"}]
_ALWAYS = [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "00:00", "closes": "23:59"}]
_STREETS = [("شارع محمد الخامس", "Avenue Mohammed V"), ("شارع الحسن الثاني", "Boulevard Hassan II"),
            ("زنقة الأمل", "Rue Al Amal"), ("حي السلام", "Quartier Essalam"),
            ("شارع الجيش الملكي", "Avenue des FAR")]


def _centres_per_region(total: int) -> dict[str, int]:
    """Share ``total`` centres between regions in proportion to their 2024 population,
    at least two each."""
    population = {r.code: r.population_2024 for r in source.iter_regions()}
    whole = sum(population.values())
    return {code: max(2, round(total * p / whole)) for code, p in population.items()}


@cache
def commune_centroids() -> dict[str, tuple[float, float]]:
    """Commune or arrondissement code -> (lat, lon): the area-weighted centre of its shapes in
    the boundary files the app ships (a divided city's arrondissements together, and each
    arrondissement on its own)."""
    sums: dict[str, list[float]] = {}
    for path in sorted((_STATIC / "communes").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometry, properties = feature["geometry"], feature["properties"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" \
                else geometry["coordinates"]
            codes = {properties["commune_code"]}
            if properties.get("level") == "arrondissement":
                codes.add(properties["code"])
            accs = [sums.setdefault(code, [0.0, 0.0, 0.0]) for code in codes]
            for polygon in polygons:
                ring = polygon[0]
                for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                    cross = x1 * y2 - x2 * y1
                    for acc in accs:
                        acc[0] += cross
                        acc[1] += (x1 + x2) * cross
                        acc[2] += (y1 + y2) * cross
    return {code: (cy / (3 * a), cx / (3 * a)) for code, (a, cx, cy) in sums.items() if a}


def arrondissement_turns() -> dict[str, list[str]]:
    """Commune code -> the codes of its arrondissements in the order its demo centres take
    them: first one of each prefecture of arrondissements (Casablanca), so that every
    prefecture's coordinator supervises a centre, then the others."""
    by_commune: dict[str, list] = {}
    for arrondissement in sorted(source.iter_arrondissements(), key=lambda a: a.code):
        by_commune.setdefault(arrondissement.commune_code, []).append(arrondissement)
    turns = {}
    for commune, rows in by_commune.items():
        first, rest, seen = [], [], set()
        for a in rows:
            group = a.prefecture_code or a.code
            (rest if group in seen else first).append(a.code)
            seen.add(group)
        turns[commune] = first + rest
    return turns


def _centre_details(rng: random.Random, kind: str, commune_code: str, name_fr: str,
                    place_code: str | None = None) -> dict:
    """``place_code``: the arrondissement's code when the centre is in one."""
    centroids = commune_centroids()
    lat, lon = centroids.get(place_code or commune_code) or centroids.get(
        commune_code, (None, None))
    street_ar, street_fr = rng.choice(_STREETS)
    hours = {Centre.Kind.SHELTER: _ALWAYS, Centre.Kind.MOBILE: _ALWAYS,
             Centre.Kind.EPS: _ALWAYS, Centre.Kind.WOMEN: _SATURDAY}.get(kind, _WEEKDAYS)
    details = {
        "address": f"{rng.randint(1, 250)} {street_fr}",
        "capacity": rng.choice([20, 30, 40, 60, 80, 120]),
        "opening_hours": hours,
        "phone": f"+212 5{rng.randint(20, 39)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                 f"{rng.randint(10, 99)}",
        "email": f"contact.{commune_code.replace('.', '')}.{kind}@demo.jisr.ma",
        "description": f"{name_fr}.",
    }
    if lat is not None:
        # Several centres of one commune must not sit on the same point.
        details["latitude"] = Decimal(f"{lat + rng.uniform(-0.01, 0.01):.5f}")
        details["longitude"] = Decimal(f"{lon + rng.uniform(-0.01, 0.01):.5f}")
    return details


def _offerings(rng, services: dict[str, Service], codes, **provider) -> list[ServiceOffering]:
    return [ServiceOffering(
        service=services[code], languages=rng.choice([["ar", "ary"], ["ar", "ary", "fr"],
                                                      ["ar", "ary", "shi"]]),
        capacity=rng.choice([None, 10, 20, 40]), waiting_list=rng.choice([0, 0, 2, 5, 12]),
        response_days=rng.choice([2, 7, 7, 14]), **provider) for code in codes]


def build(*, centres: int | None = None, seed: int = 2026) -> dict[str, int]:
    """Create the demo network (idempotent: existing codes are left as they are)."""
    total = centres if centres is not None else env_int("JISR_DEMO_CENTRES", 60, minimum=24)
    # Idempotent: the migrations seed it, but a flushed database has lost it.
    catalogue.seed(ServiceDomain, Service)
    rng = random.Random(seed)
    communes = list(source.iter_communes())
    by_region: dict[str, list] = {}
    for c in communes:
        by_region.setdefault(c.region_code, []).append(c)
    db_communes = dict(Commune.objects.values_list("code", "pk"))
    db_arrondissements = dict(Arrondissement.objects.values_list("code", "pk"))
    # A centre of a city divided into arrondissements is in one of them.
    turns = arrondissement_turns()
    new_centres = []
    for region_code, quota in _centres_per_region(total).items():
        ranked = sorted(by_region[region_code], key=lambda c: -c.population_2024)
        # The most populous communes get a Jisr centre; the largest also gets the city
        # centres; the others a smaller establishment, in turn.
        for i, commune in enumerate(ranked[:quota]):
            kinds = [(Centre.Kind.JISR, "مركز جسر", "Centre Jisr")]
            if i == 0:
                kinds += _CITY_CENTRES
            elif i % 2:
                kinds.append(_SMALL_CENTRES[i % len(_SMALL_CENTRES)])
            places = turns.get(commune.code, [])
            for j, (kind, label_ar, label_fr) in enumerate(kinds):
                name_fr = f"{label_fr} {commune.name_fr}"
                place = places[j % len(places)] if places else None
                new_centres.append(Centre(
                    code=f"{kind.upper()[:3]}-{commune.code}", kind=kind,
                    name_ar=f"{label_ar} {commune.name_ar}", name_fr=name_fr,
                    commune_id=db_communes[commune.code],
                    arrondissement_id=db_arrondissements.get(place),
                    **_centre_details(rng, kind, commune.code, name_fr, place)))
    existing = set(Centre.objects.values_list("code", flat=True))
    new_centres = [c for c in new_centres if c.code not in existing]
    _check(new_centres, exclude=["commune", "arrondissement", "manager"])
    created = Centre.objects.bulk_create(new_centres, batch_size=1000)
    top_commune = {region: max(rows, key=lambda c: c.population_2024).code
                   for region, rows in by_region.items()}
    partners = []
    for region in Region.objects.all():
        for kind, label_ar, label_fr in _PARTNERS:
            code = f"P-{_PARTNER_PREFIX.get(kind, kind.upper()[:3])}-{region.code}"
            partners.append(PartnerOrganisation(
                code=code, kind=kind, region=region,
                name_ar=f"{label_ar} - {region.name_ar}", name_fr=f"{label_fr} – {region.name_fr}",
                commune_id=db_communes[top_commune[region.code]],
                address=f"{rng.randint(1, 250)} {rng.choice(_STREETS)[1]}",
                phone=f"+212 5{rng.randint(20, 39)} {rng.randint(100000, 999999)}",
                email=f"{code.lower()}@demo.jisr.ma",
                contact_name=rng.choice(["Fatima Zahra Alami", "Hassan Berrada",
                                         "Naima Ouazzani", "Younes Tahiri"]),
                contact_phone=f"+212 6{rng.randint(10000000, 99999999)}",
                contact_email=f"contact.{code.lower()}@demo.jisr.ma"))
    existing = set(PartnerOrganisation.objects.values_list("code", flat=True))
    partners = [p for p in partners if p.code not in existing]
    _check(partners, exclude=["region", "province", "commune"])
    created_partners = PartnerOrganisation.objects.bulk_create(partners, batch_size=1000)
    offerings = _build_offerings(rng, created, created_partners)
    if created:
        audit.record_bulk(actor=None, action="network.demo.centres", object_type="network.centre",
                          count=len(created))
    if created_partners:
        audit.record_bulk(actor=None, action="network.demo.partners",
                          object_type="network.partnerorganisation", count=len(created_partners))
    if offerings:
        audit.record_bulk(actor=None, action="network.demo.offerings",
                          object_type="network.serviceoffering", count=offerings)
    return {"centres": len(created), "partners": len(created_partners), "offerings": offerings}


def _check(rows, *, exclude: list[str]) -> None:
    # Bulk inserts skip validation: check each row's own fields (phones, hours…) here, but
    # not its foreign keys or uniqueness, which would cost a query per row and which the
    # codes and ids above already guarantee.
    for row in rows:
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _build_offerings(rng, centres: list[Centre], partners: list[PartnerOrganisation]) -> int:
    services = {s.code: s for s in Service.objects.all()}
    rows: list[ServiceOffering] = []
    for centre in centres:
        rows += _offerings(rng, services, CENTRE_SERVICES[centre.kind], centre=centre)
    for partner in partners:
        rows += _offerings(rng, services, PARTNER_SERVICES[partner.kind], partner=partner)
    _check(rows, exclude=["service", "centre", "partner"])
    return len(ServiceOffering.objects.bulk_create(rows, batch_size=1000))


def centre_in(commune_code: str, kind: str = Centre.Kind.JISR) -> Centre:
    return Centre.objects.get(Q(commune__code=commune_code) & Q(kind=kind))
