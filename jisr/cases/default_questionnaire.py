"""The listening questionnaire every installation starts with, in Arabic and French.

Seeded (published, version 1) by the data migration 0002 and by ``jisr demo``; an
administrator changes it afterwards in the builder, as a new version. ``seed`` takes the model
classes so the migration can pass its historical models, and does nothing when a
questionnaire with this code exists.
"""

from __future__ import annotations

from django.utils import timezone

CODE = "listening"
NAME = ("استمارة الاستماع وتقييم الحاجيات", "Questionnaire d'écoute et d'évaluation des besoins")

YES_NO = [("yes", "نعم", "Oui"), ("no", "لا", "Non")]

# (section ar, section fr, [question…]); a question is a dict:
#   code, kind, ar, fr, options [(code, ar, fr)], required,
#   show_if (question code, [answers]),
#   rules [(answer code | (min, max), domain, points, explanation ar, explanation fr)]
SECTIONS = [
    ("الوثائق الثبوتية", "Documents d'identité", [
        {"code": "id_card", "kind": "yes_no", "required": True,
         "ar": "هل يتوفر الشخص على بطاقة تعريف وطنية سارية المفعول؟",
         "fr": "La personne a-t-elle une carte nationale d'identité valide ?",
         "rules": [("no", "identity_documents", 2, "لا يتوفر على بطاقة تعريف سارية",
                    "Pas de carte d'identité valide")]},
        {"code": "civil_status", "kind": "yes_no",
         "ar": "هل الشخص مسجل في الحالة المدنية؟",
         "fr": "La personne est-elle inscrite à l'état civil ?",
         "rules": [("no", "identity_documents", 2, "غير مسجل في الحالة المدنية",
                    "Non inscrite à l'état civil")]},
        {"code": "rsu", "kind": "yes_no",
         "ar": "هل الأسرة مسجلة في السجل الاجتماعي الموحد؟",
         "fr": "Le ménage est-il inscrit au Registre social unifié ?",
         "rules": [("no", "identity_documents", 1, "الأسرة غير مسجلة في السجل الاجتماعي الموحد",
                    "Ménage non inscrit au RSU")]},
    ]),
    ("الدخل والشغل", "Revenus et travail", [
        {"code": "income", "kind": "choice", "required": True,
         "ar": "ما هو دخل الأسرة؟", "fr": "Quel est le revenu du ménage ?",
         "options": [("none", "لا دخل", "Aucun revenu"),
                     ("irregular", "دخل غير منتظم", "Revenu irrégulier"),
                     ("regular", "دخل منتظم", "Revenu régulier")],
         "rules": [("none", "income_work", 3, "لا دخل للأسرة", "Aucun revenu dans le ménage"),
                   ("irregular", "income_work", 2, "دخل الأسرة غير منتظم",
                    "Revenu du ménage irrégulier")]},
        {"code": "job_seeking", "kind": "yes_no", "show_if": ("income", ["none"]),
         "ar": "هل يبحث أحد أفراد الأسرة عن عمل؟",
         "fr": "Quelqu'un du ménage cherche-t-il du travail ?",
         "rules": [("yes", "income_work", 1, "فرد من الأسرة يبحث عن عمل",
                    "Un membre du ménage cherche du travail")]},
        {"code": "income_source", "kind": "choice",
         "show_if": ("income", ["irregular", "regular"]),
         "ar": "ما هو مصدر الدخل الرئيسي؟", "fr": "Quelle est la principale source de revenu ?",
         "options": [("work", "عمل", "Travail"), ("pension", "معاش", "Pension"),
                     ("family", "مساعدة العائلة", "Aide de la famille"),
                     ("aid", "دعم اجتماعي", "Aide sociale")]},
        {"code": "household_size", "kind": "number",
         "ar": "كم عدد الأشخاص الذين يعيشون في الأسرة؟",
         "fr": "Combien de personnes vivent dans le ménage ?",
         "rules": [((6, None), "family_children", 1, "أسرة كبيرة (6 أفراد أو أكثر)",
                    "Ménage nombreux (6 personnes ou plus)")]},
    ]),
    ("السكن", "Logement", [
        {"code": "housing", "kind": "choice", "required": True,
         "ar": "أين يسكن الشخص؟", "fr": "Où la personne loge-t-elle ?",
         "options": [("owner", "سكن في ملكيته", "Propriétaire"),
                     ("tenant", "مكتري", "Locataire"),
                     ("hosted", "مستضاف عند الغير", "Hébergé par des proches"),
                     ("precarious", "سكن غير لائق", "Logement précaire"),
                     ("street", "بدون مأوى", "Sans abri")],
         "rules": [("street", "housing", 4, "بدون مأوى", "Sans abri"),
                   ("precarious", "housing", 3, "سكن غير لائق", "Logement précaire"),
                   ("hosted", "housing", 1, "مستضاف عند الغير", "Hébergé par des proches")]},
        {"code": "eviction", "kind": "yes_no", "show_if": ("housing", ["tenant"]),
         "ar": "هل هناك تهديد بالإفراغ؟", "fr": "Y a-t-il une menace d'expulsion ?",
         "rules": [("yes", "housing", 2, "مهدد بالإفراغ", "Menace d'expulsion")]},
    ]),
    ("الصحة والإعاقة", "Santé et handicap", [
        {"code": "disability", "kind": "yes_no",
         "ar": "هل يعيش في الأسرة شخص في وضعية إعاقة؟",
         "fr": "Une personne en situation de handicap vit-elle dans le ménage ?",
         "rules": [("yes", "health_disability", 2, "شخص في وضعية إعاقة في الأسرة",
                    "Personne en situation de handicap dans le ménage")]},
        {"code": "disability_card", "kind": "yes_no", "show_if": ("disability", ["yes"]),
         "ar": "هل يتوفر على بطاقة الشخص في وضعية إعاقة؟",
         "fr": "A-t-elle la carte de personne en situation de handicap ?",
         "rules": [("no", "health_disability", 1, "بدون بطاقة الإعاقة",
                    "Sans carte de handicap")]},
        {"code": "chronic_untreated", "kind": "yes_no",
         "ar": "هل هناك مرض مزمن بدون علاج؟", "fr": "Une maladie chronique sans traitement ?",
         "rules": [("yes", "health_disability", 2, "مرض مزمن بدون علاج",
                    "Maladie chronique non soignée")]},
        {"code": "health_coverage", "kind": "yes_no",
         "ar": "هل يستفيد من التغطية الصحية (أمو)؟",
         "fr": "Bénéficie-t-elle d'une couverture médicale (AMO) ?",
         "rules": [("no", "health_disability", 2, "بدون تغطية صحية",
                    "Pas de couverture médicale")]},
    ]),
    ("التعليم", "Éducation", [
        {"code": "children_out_of_school", "kind": "number",
         "ar": "كم عدد الأطفال في سن التمدرس غير المتمدرسين؟",
         "fr": "Combien d'enfants en âge scolaire ne sont pas scolarisés ?",
         "rules": [((1, None), "education", 2, "أطفال في سن التمدرس خارج المدرسة",
                    "Enfants en âge scolaire non scolarisés")]},
        {"code": "literacy", "kind": "yes_no",
         "ar": "هل يعرف الشخص القراءة والكتابة؟", "fr": "La personne sait-elle lire et écrire ?",
         "rules": [("no", "education", 1, "لا يعرف القراءة والكتابة",
                    "Ne sait ni lire ni écrire")]},
    ]),
    ("الأسرة والأطفال", "Famille et enfants", [
        {"code": "single_parent", "kind": "yes_no",
         "ar": "هل يعيل الشخص أطفاله وحده؟", "fr": "La personne élève-t-elle seule ses enfants ?",
         "rules": [("yes", "family_children", 2, "يعيل أطفاله وحده",
                    "Parent seul avec enfants")]},
        {"code": "dependents", "kind": "multiple",
         "ar": "من يتكفل بهم الشخص؟", "fr": "De qui la personne a-t-elle la charge ?",
         "options": [("young_children", "أطفال صغار", "Jeunes enfants"),
                     ("elderly", "أشخاص مسنون", "Personnes âgées"),
                     ("disabled", "شخص في وضعية إعاقة", "Personne handicapée")],
         "rules": [("young_children", "family_children", 1, "يتكفل بأطفال صغار",
                    "A la charge de jeunes enfants"),
                   ("elderly", "family_children", 1, "يتكفل بأشخاص مسنين",
                    "A la charge de personnes âgées"),
                   ("disabled", "family_children", 1, "يتكفل بشخص في وضعية إعاقة",
                    "A la charge d'une personne handicapée")]},
    ]),
    ("الحماية والعنف", "Protection et violence", [
        {"code": "violence", "kind": "yes_no",
         "ar": "هل يصرح الشخص بتعرضه للعنف أو يخشاه؟",
         "fr": "La personne dit-elle subir ou craindre des violences ?",
         "rules": [("yes", "protection_violence", 4, "يصرح بالتعرض للعنف",
                    "Déclare subir des violences")]},
        {"code": "violence_kind", "kind": "multiple", "show_if": ("violence", ["yes"]),
         "ar": "ما نوع العنف؟", "fr": "De quelles violences s'agit-il ?",
         "options": [("physical", "جسدي", "Physiques"), ("psychological", "نفسي", "Psychologiques"),
                     ("sexual", "جنسي", "Sexuelles"), ("economic", "اقتصادي", "Économiques")],
         "rules": [("sexual", "protection_violence", 2, "عنف جنسي", "Violences sexuelles")]},
        {"code": "safe_tonight", "kind": "yes_no", "show_if": ("violence", ["yes"]),
         "ar": "هل الشخص في أمان هذه الليلة؟", "fr": "La personne est-elle en sécurité ce soir ?",
         "rules": [("no", "urgent_needs", 4, "ليس في أمان هذه الليلة",
                    "Pas en sécurité ce soir")]},
    ]),
    ("الحاجيات المستعجلة", "Besoins urgents", [
        {"code": "no_food", "kind": "yes_no",
         "ar": "هل يفتقر الشخص إلى الطعام اليوم؟",
         "fr": "La personne manque-t-elle de nourriture aujourd'hui ?",
         "rules": [("yes", "urgent_needs", 3, "نقص في الطعام اليوم",
                    "Manque de nourriture aujourd'hui")]},
        {"code": "no_shelter_tonight", "kind": "yes_no",
         "ar": "هل يفتقر الشخص إلى مكان للمبيت هذه الليلة؟",
         "fr": "La personne est-elle sans endroit où dormir ce soir ?",
         "rules": [("yes", "urgent_needs", 4, "بدون مكان للمبيت هذه الليلة",
                    "Sans endroit où dormir ce soir")]},
        {"code": "last_help", "kind": "date",
         "ar": "تاريخ آخر مساعدة تلقاها الشخص", "fr": "Date de la dernière aide reçue"},
        {"code": "in_own_words", "kind": "text",
         "ar": "ما يريد الشخص إضافته بكلماته",
         "fr": "Ce que la personne veut ajouter, avec ses mots"},
    ]),
]


def seed(Questionnaire, QuestionnaireVersion, Section, Question, Option, ScoringRule) -> bool:
    """Create and publish the default questionnaire unless one with its code exists."""
    if Questionnaire.objects.filter(code=CODE).exists():
        return False
    questionnaire = Questionnaire.objects.create(code=CODE, name_ar=NAME[0], name_fr=NAME[1])
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, status="published",
        published_at=timezone.now())
    by_code = {}
    for s_order, (title_ar, title_fr, questions) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(version=version, order=s_order, title_ar=title_ar,
                                         title_fr=title_fr)
        for q_order, spec in enumerate(questions, start=1):
            parent, values = spec.get("show_if", (None, []))
            question = Question.objects.create(
                version=version, section=section, order=q_order, code=spec["code"],
                kind=spec["kind"], label_ar=spec["ar"], label_fr=spec["fr"],
                required=spec.get("required", False),
                condition_question=by_code.get(parent), condition_values=values)
            by_code[spec["code"]] = question
            options = {}
            choices = YES_NO if spec["kind"] == "yes_no" else spec.get("options", [])
            for o_order, (code, ar, fr) in enumerate(choices, start=1):
                options[code] = Option.objects.create(question=question, order=o_order,
                                                      code=code, label_ar=ar, label_fr=fr)
            for when, domain, points, ar, fr in spec.get("rules", []):
                low, high = when if isinstance(when, tuple) else (None, None)
                ScoringRule.objects.create(
                    question=question, option=options.get(when) if isinstance(when, str)
                    else None, min_value=low, max_value=high, domain=domain, points=points,
                    explanation_ar=ar, explanation_fr=fr)
    return True


def seed_current() -> bool:
    from jisr.cases import questionnaires as q

    return seed(q.Questionnaire, q.QuestionnaireVersion, q.Section, q.Question, q.Option,
                q.ScoringRule)
