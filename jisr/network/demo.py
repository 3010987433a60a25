"""Demo centres and partners: in every region, spread by population."""

from __future__ import annotations

from django.db.models import Q

from jisr.core import audit
from jisr.network.models import Centre, PartnerOrganisation
from jisr.territory import source
from jisr.territory.models import Commune, Region

# (kind, Arabic label, French label) of the centres a large city gets beside its Jisr centre.
_CITY_CENTRES = [
    (Centre.Kind.WOMEN, "الفضاء متعدد الوظائف للنساء", "Espace multifonctionnel des femmes"),
    (Centre.Kind.EPS, "مؤسسة الرعاية الاجتماعية", "Établissement de protection sociale"),
    (Centre.Kind.MOBILE, "وحدة الإسعاف الاجتماعي المتنقل", "SAMU social"),
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
]


def _centres_per_region(total: int) -> dict[str, int]:
    """Share ``total`` centres between regions in proportion to their 2024 population,
    at least two each."""
    population = {r.code: r.population_2024 for r in source.iter_regions()}
    whole = sum(population.values())
    return {code: max(2, round(total * p / whole)) for code, p in population.items()}


def build(*, centres: int = 60) -> dict[str, int]:
    """Create the demo network (idempotent: existing codes are left as they are)."""
    communes = {c.code: c for c in source.iter_communes()}
    by_region: dict[str, list] = {}
    for c in communes.values():
        by_region.setdefault(c.region_code, []).append(c)
    db_communes = dict(Commune.objects.values_list("code", "pk"))
    new_centres = []
    for region_code, quota in _centres_per_region(centres).items():
        ranked = sorted(by_region[region_code], key=lambda c: -c.population_2024)
        # The most populous communes get a Jisr centre; the largest also gets the city
        # centres; the others a smaller establishment, in turn.
        for i, commune in enumerate(ranked[:quota]):
            kinds = [(Centre.Kind.JISR, "مركز جسر", "Centre Jisr")]
            if i == 0:
                kinds += _CITY_CENTRES
            elif i % 2:
                kinds.append(_SMALL_CENTRES[i % len(_SMALL_CENTRES)])
            for kind, label_ar, label_fr in kinds:
                new_centres.append(Centre(
                    code=f"{kind.upper()[:3]}-{commune.code}", kind=kind,
                    name_ar=f"{label_ar} {commune.name_ar}",
                    name_fr=f"{label_fr} {commune.name_fr}",
                    commune_id=db_communes[commune.code]))
    existing = set(Centre.objects.values_list("code", flat=True))
    created = Centre.objects.bulk_create([c for c in new_centres if c.code not in existing])
    partners = []
    for region in Region.objects.all():
        for kind, label_ar, label_fr in _PARTNERS:
            partners.append(PartnerOrganisation(
                code=f"P-{kind.upper()[:3]}-{region.code}", kind=kind, region=region,
                name_ar=f"{label_ar} - {region.name_ar}", name_fr=f"{label_fr} – {region.name_fr}"))
    existing = set(PartnerOrganisation.objects.values_list("code", flat=True))
    created_partners = PartnerOrganisation.objects.bulk_create(
        [p for p in partners if p.code not in existing])
    if created:
        audit.record_bulk(actor=None, action="network.demo.centres", object_type="network.centre",
                          count=len(created))
    if created_partners:
        audit.record_bulk(actor=None, action="network.demo.partners",
                          object_type="network.partnerorganisation", count=len(created_partners))
    return {"centres": len(created), "partners": len(created_partners)}


def centre_in(commune_code: str, kind: str = Centre.Kind.JISR) -> Centre:
    return Centre.objects.get(Q(commune__code=commune_code) & Q(kind=kind))
