"""The seeded national service catalogue: ten domains and their services.

Seeded by a data migration (0003) so every installation starts with the same taxonomy, which
referrals, pathways and the observatory later count by. ``seed`` upserts by code and takes the
model classes, so the migration can pass its historical models.
"""

from __future__ import annotations

# (code, French, Arabic, [(code, French, Arabic), …])
CATALOGUE = [
    ("reception", "Accueil et écoute", "الاستقبال والاستماع", [
        ("reception-orientation", "Accueil et orientation", "الاستقبال والتوجيه"),
        ("listening-interview", "Entretien d'écoute et évaluation des besoins",
         "مقابلة الاستماع وتقييم الحاجيات"),
        ("psychosocial-support", "Soutien psychosocial", "الدعم النفسي والاجتماعي"),
    ]),
    ("legal-identity", "Identité juridique", "الهوية القانونية", [
        ("civil-registration", "Aide à l'inscription à l'état civil",
         "المساعدة على التسجيل في الحالة المدنية"),
        ("national-id", "Aide à l'obtention de la carte nationale d'identité",
         "المساعدة على الحصول على البطاقة الوطنية للتعريف"),
        ("social-registry", "Inscription au Registre social unifié",
         "التسجيل في السجل الاجتماعي الموحد"),
        ("legal-aid", "Conseil et assistance juridique", "الاستشارة والمساعدة القانونية"),
    ]),
    ("health", "Santé", "الصحة", [
        ("health-coverage", "Affiliation à l'assurance maladie obligatoire",
         "الانخراط في التأمين الإجباري الأساسي عن المرض"),
        ("medical-referral", "Orientation vers une consultation médicale",
         "التوجيه نحو الاستشارة الطبية"),
        ("mental-health", "Santé mentale", "الصحة النفسية"),
    ]),
    ("disability", "Handicap", "الإعاقة", [
        ("disability-card", "Carte de personne en situation de handicap",
         "بطاقة الشخص في وضعية إعاقة"),
        ("technical-aids", "Aides techniques et appareillage", "المعينات التقنية"),
        ("rehabilitation", "Rééducation fonctionnelle", "الترويض وإعادة التأهيل"),
        ("inclusive-schooling", "Soutien à la scolarisation inclusive", "دعم التمدرس الدامج"),
    ]),
    ("education", "Éducation et formation", "التربية والتكوين", [
        ("literacy", "Alphabétisation", "محو الأمية"),
        ("vocational-training", "Formation professionnelle", "التكوين المهني"),
        ("preschool", "Éducation préscolaire", "التعليم الأولي"),
        ("school-support", "Soutien scolaire", "الدعم المدرسي"),
    ]),
    ("economic", "Autonomisation économique", "التمكين الاقتصادي", [
        ("income-generating", "Appui aux activités génératrices de revenus",
         "دعم الأنشطة المدرة للدخل"),
        ("cooperative-support", "Accompagnement à la création de coopératives",
         "مواكبة إحداث التعاونيات"),
        ("employability", "Accompagnement vers l'emploi", "المواكبة نحو التشغيل"),
    ]),
    ("housing", "Logement et hébergement", "السكن والإيواء", [
        ("emergency-shelter", "Hébergement d'urgence", "الإيواء الاستعجالي"),
        ("residential-care", "Prise en charge en établissement", "التكفل المؤسساتي"),
        ("housing-support", "Aide au logement", "المساعدة على السكن"),
    ]),
    ("family-child", "Protection de la famille et de l'enfance", "حماية الأسرة والطفولة", [
        ("child-protection", "Protection de l'enfance", "حماية الطفولة"),
        ("violence-support", "Prise en charge des femmes victimes de violence",
         "التكفل بالنساء ضحايا العنف"),
        ("family-mediation", "Médiation familiale", "الوساطة الأسرية"),
        ("early-childhood", "Accueil de la petite enfance", "رعاية الطفولة المبكرة"),
    ]),
    ("elderly", "Prise en charge des personnes âgées", "رعاية الأشخاص المسنين", [
        ("home-care", "Aide à domicile", "الرعاية المنزلية"),
        ("elderly-day-care", "Accueil de jour des personnes âgées",
         "الاستقبال النهاري للأشخاص المسنين"),
    ]),
    ("food-emergency", "Aide alimentaire et d'urgence", "المساعدة الغذائية والاستعجالية", [
        ("food-aid", "Aide alimentaire", "المساعدة الغذائية"),
        ("emergency-kit", "Kit d'urgence (couvertures, vêtements, hygiène)",
         "المساعدة العينية الاستعجالية"),
        ("street-outreach", "Maraude du SAMU social", "التدخل الميداني للإسعاف الاجتماعي"),
    ]),
]


def seed(domain_model, service_model) -> int:
    """Create or rename the catalogue's domains and services; return how many rows changed."""
    changed = 0
    for position, (code, name_fr, name_ar, services) in enumerate(CATALOGUE, start=1):
        domain, created = domain_model.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_ar": name_ar, "position": position})
        changed += created
        for s_code, s_fr, s_ar in services:
            _obj, created = service_model.objects.update_or_create(
                code=s_code, defaults={"name_fr": s_fr, "name_ar": s_ar, "domain": domain})
            changed += created
    return changed
