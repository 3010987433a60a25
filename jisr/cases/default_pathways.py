"""The integration pathway templates every installation starts with, in Arabic and French.

Seeded (published, version 1) by the data migration and by ``jisr demo``; administrators
change them afterwards in the builder, as new versions. ``seed`` takes the model classes so
the migration can pass its historical models, and leaves alone any code already present
(an administrator's versions are never overwritten).
"""

from __future__ import annotations

from django.utils import timezone

YES_NO = [{"code": "yes", "ar": "نعم", "fr": "Oui"}, {"code": "no", "ar": "لا", "fr": "Non"}]


def _choices(*items: tuple[str, str, str]) -> list[dict]:
    return [{"code": c, "ar": ar, "fr": fr} for c, ar, fr in items]


# code: (name ar, name fr, description ar, description fr, steps); a step is
# (name ar, name fr, catalogue service code | None, owner role, days,
#  outcome label ar, outcome label fr, answers to choose ([] = written outcome))
TEMPLATES = {
    "women-economic-empowerment": (
        "التمكين الاقتصادي للنساء",
        "Autonomisation économique des femmes",
        "مسار إدماج يرافق المرأة من التكوين إلى نشاط مدر للدخل أو الانخراط في تعاونية، "
        "ثم دعم الانطلاق وتتبع لمدة ستة أشهر.",
        "Parcours d'insertion qui accompagne la femme de la formation à une activité "
        "génératrice de revenus ou à l'adhésion à une coopérative, puis l'appui au démarrage "
        "et un suivi de six mois.",
        [
            ("التكوين المهني أو التأهيلي", "Formation qualifiante", "vocational-training",
             "social_worker", 90, "هل أتمت المستفيدة التكوين؟",
             "La bénéficiaire a-t-elle achevé la formation ?",
             _choices(("certified", "أتمته وحصلت على شهادة", "Achevée, attestation obtenue"),
                      ("completed", "أتمته بدون شهادة", "Achevée sans attestation"),
                      ("dropped", "انقطعت عن التكوين", "Abandonnée"))),
            ("الانخراط في تعاونية أو إحداث نشاط مدر للدخل",
             "Adhésion à une coopérative ou activité génératrice de revenus",
             "cooperative-support", "partner_agent", 60, "ما هو النشاط الذي تم اختياره؟",
             "Quelle activité a été retenue ?",
             _choices(("cooperative", "الانخراط في تعاونية", "Adhésion à une coopérative"),
                      ("agr", "نشاط مدر للدخل فردي", "Activité génératrice de revenus"),
                      ("employment", "عمل مأجور", "Emploi salarié"))),
            ("دعم الانطلاق (تمويل أو معدات)", "Appui au démarrage (financement ou équipement)",
             "income-generating", "social_worker", 60, "هل تم صرف دعم الانطلاق؟",
             "L'appui au démarrage a-t-il été versé ?", YES_NO),
            ("التتبع بعد ستة أشهر", "Suivi à six mois", None, "social_worker", 180,
             "وضعية النشاط بعد ستة أشهر", "Situation de l'activité à six mois",
             _choices(("active", "النشاط مستمر ويدر دخلا", "Activité en cours, revenus"),
                      ("struggling", "النشاط متعثر", "Activité en difficulté"),
                      ("stopped", "توقف النشاط", "Activité arrêtée"))),
        ]),
    "disability": (
        "مسار إدماج الأشخاص في وضعية إعاقة",
        "Parcours des personnes en situation de handicap",
        "تقييم وضعية الإعاقة، ثم المعينات التقنية أو المساعدة، ثم التمدرس أو التكوين، "
        "ثم التتبع.",
        "Évaluation du handicap, puis appareillage ou aide, puis scolarisation ou formation, "
        "puis suivi.",
        [
            ("تقييم وضعية الإعاقة والحصول على البطاقة", "Évaluation du handicap et carte",
             "disability-card", "social_worker", 45, "نتيجة التقييم",
             "Résultat de l'évaluation", []),
            ("المعينات التقنية أو المساعدة", "Appareillage ou aide technique",
             "technical-aids", "partner_agent", 60, "هل حصل الشخص على المعينات أو المساعدة؟",
             "La personne a-t-elle reçu l'appareillage ou l'aide ?", YES_NO),
            ("التمدرس الدامج أو التكوين", "Scolarisation inclusive ou formation",
             "inclusive-schooling", "social_worker", 90, "هل تم التسجيل في مؤسسة؟",
             "L'inscription dans un établissement est-elle faite ?",
             _choices(("school", "مسجل في مدرسة", "Inscrit à l'école"),
                      ("training", "مسجل في تكوين", "Inscrit en formation"),
                      ("none", "لم يتم التسجيل", "Pas d'inscription"))),
            ("التتبع", "Suivi", None, "social_worker", 90, "ملاحظات التتبع",
             "Observations du suivi", []),
        ]),
    "elderly-care": (
        "رعاية الأشخاص المسنين",
        "Prise en charge des personnes âgées",
        "مخطط الرعاية المنزلية، ثم زيارات منتظمة، ثم مراجعة المخطط.",
        "Plan d'aide à domicile, puis visites régulières, puis révision du plan.",
        [
            ("إعداد مخطط الرعاية المنزلية", "Plan d'aide à domicile", "home-care",
             "social_worker", 15, "هل تم الاتفاق على المخطط مع الشخص وأسرته؟",
             "Le plan est-il convenu avec la personne et sa famille ?", YES_NO),
            ("الزيارات المنزلية", "Visites à domicile", "home-care", "social_worker", 60,
             "ملخص الزيارات", "Bilan des visites", []),
            ("مراجعة المخطط", "Révision du plan", None, "centre_manager", 30,
             "قرار المراجعة", "Décision de la révision",
             _choices(("continue", "متابعة المخطط", "Poursuite du plan"),
                      ("adapt", "تعديل المخطط", "Plan adapté"),
                      ("institution", "التوجيه إلى مؤسسة الرعاية الاجتماعية",
                       "Orientation vers un établissement de protection sociale"))),
        ]),
    "child-family": (
        "حماية الطفولة ودعم الأسرة",
        "Enfance et famille",
        "التسجيل في المدرسة، ثم دعم الأسرة، ثم المراجعة.",
        "Inscription scolaire, puis soutien à la famille, puis révision.",
        [
            ("التسجيل المدرسي", "Inscription scolaire", "school-support", "social_worker", 30,
             "هل تم تسجيل الطفل في المدرسة؟", "L'enfant est-il inscrit à l'école ?", YES_NO),
            ("دعم الأسرة", "Soutien à la famille", "family-mediation", "social_worker", 90,
             "الدعم المقدم للأسرة", "Soutien apporté à la famille", []),
            ("المراجعة", "Révision", None, "centre_manager", 30, "وضعية الطفل والأسرة",
             "Situation de l'enfant et de la famille",
             _choices(("improved", "تحسنت", "Améliorée"), ("stable", "مستقرة", "Stable"),
                      ("worse", "تدهورت", "Dégradée"))),
        ]),
    "homeless-person": (
        "إدماج الأشخاص في وضعية الشارع",
        "Insertion des personnes sans abri",
        "الإيواء، ثم الوثائق الثبوتية، ثم الصحة، ثم السكن أو لم شمل الأسرة.",
        "Hébergement, puis papiers d'identité, puis santé, puis logement ou retour en "
        "famille.",
        [
            ("الإيواء", "Hébergement", "emergency-shelter", "emergency_agent", 7,
             "هل تم إيواء الشخص؟", "La personne est-elle hébergée ?", YES_NO),
            ("الوثائق الثبوتية", "Papiers d'identité", "national-id", "social_worker", 60,
             "هل حصل الشخص على وثائقه الثبوتية؟",
             "La personne a-t-elle obtenu ses papiers d'identité ?", YES_NO),
            ("الصحة", "Santé", "medical-referral", "social_worker", 30,
             "الرعاية الصحية المقدمة", "Soins reçus", []),
            ("السكن أو لم شمل الأسرة", "Logement ou retour en famille", "housing-support",
             "social_worker", 90, "أين يقيم الشخص الآن؟", "Où la personne vit-elle ?",
             _choices(("housing", "في سكن", "Dans un logement"),
                      ("family", "عاد إلى أسرته", "Retour en famille"),
                      ("institution", "في مؤسسة الرعاية الاجتماعية",
                       "En établissement de protection sociale"),
                      ("street", "ما زال في الشارع", "Toujours à la rue"))),
        ]),
}


def seed(PathwayTemplate, TemplateStep, Service) -> int:
    """Publish the templates whose code is not there yet; returns how many were created."""
    services = {s.code: s for s in Service.objects.all()}
    created = 0
    now = timezone.now()
    for code, (name_ar, name_fr, desc_ar, desc_fr, steps) in TEMPLATES.items():
        if PathwayTemplate.objects.filter(code=code).exists():
            continue
        template = PathwayTemplate.objects.create(
            code=code, version=1, name_ar=name_ar, name_fr=name_fr, description_ar=desc_ar,
            description_fr=desc_fr, status="published", published_at=now)
        for order, (s_ar, s_fr, service, role, days, o_ar, o_fr, choices) in enumerate(
                steps, start=1):
            TemplateStep.objects.create(
                template=template, order=order, name_ar=s_ar, name_fr=s_fr,
                service=services.get(service), owner_role=role, duration_days=days,
                outcome_label_ar=o_ar, outcome_label_fr=o_fr, outcome_choices=choices)
        created += 1
    return created


def seed_current() -> int:
    from jisr.cases.pathways import PathwayTemplate, TemplateStep
    from jisr.network.models import Service

    return seed(PathwayTemplate, TemplateStep, Service)
