"""The registry fields a spreadsheet column can feed, and how a header is recognised.

Headers are compared folded (lower case, no accents, Arabic letter variants unified, no
punctuation), against names used by associations in Arabic, French and English. A source's
saved mapping always wins over the guess.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

IGNORE = ""

# (field, label): the order of the mapping form's choices.
FIELDS: tuple[tuple[str, object], ...] = (
    ("first_name", _("First name (either script)")),
    ("family_name", _("Family name (either script)")),
    ("father_name", _("Father's name (either script)")),
    ("mother_name", _("Mother's name (either script)")),
    ("first_name_ar", _("first name (Arabic)")),
    ("family_name_ar", _("family name (Arabic)")),
    ("father_name_ar", _("father's name (Arabic)")),
    ("mother_name_ar", _("mother's name (Arabic)")),
    ("first_name_lat", _("first name (Latin)")),
    ("family_name_lat", _("family name (Latin)")),
    ("father_name_lat", _("father's name (Latin)")),
    ("mother_name_lat", _("mother's name (Latin)")),
    ("sex", _("sex")),
    ("birth_date", _("date of birth")),
    ("birth_year", _("year of birth")),
    ("cin", _("National identity card (CIN)")),
    ("rnp", _("National population register (RNP) identifier")),
    ("rsu", _("Unified social register (RSU) household identifier")),
    ("passport", _("Passport")),
    ("residence_card", _("Residence card")),
    ("document_country", _("issuing country")),
    ("phone", _("phone")),
    ("phone2", _("Second phone")),
    ("commune", _("commune")),
    ("address", _("address")),
    ("languages", _("languages spoken")),
    ("vulnerabilities", _("vulnerability categories")),
    ("household", _("Household (its identifier in the file)")),
    ("relationship", _("relationship to the head")),
)
FIELD_NAMES = frozenset(name for name, _label in FIELDS)
FIELD_LABELS = dict(FIELDS)
# Names whose script is told by the value itself: an Arabic value goes to the ``_ar`` field.
SCRIPT_NEUTRAL = ("first_name", "family_name", "father_name", "mother_name")
# Fields that may be mapped from one column only (the others would overwrite each other).
SINGLE = FIELD_NAMES

_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None,
                              "ؤ": "و", "ئ": "ي"})
_NOT_WORD = re.compile(r"[\W_]+")
_ARABIC = re.compile("[\u0600-\u06ff]")


def fold_header(text: str) -> str:
    """``"N° de la C.I.N."`` → ``"n de la c i n"``: what two spellings of a header share."""
    text = unicodedata.normalize("NFKD", str(text)).translate(_ARABIC_FOLD)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("prenom", "first name", "firstname", "given name", "forename",
                   "الاسم الشخصي", "الاسم", "الإسم الشخصي", "الإسم"),
    "family_name": ("nom", "nom de famille", "last name", "lastname", "family name",
                    "surname", "الاسم العائلي", "النسب", "اسم العائلة", "الإسم العائلي",
                    "العائلة"),
    "father_name": ("nom du pere", "prenom du pere", "pere", "father", "father name",
                    "father s name", "اسم الأب", "الأب", "إسم الأب"),
    "mother_name": ("nom de la mere", "prenom de la mere", "mere", "mother", "mother name",
                    "mother s name", "اسم الأم", "الأم", "إسم الأم"),
    "first_name_ar": ("prenom ar", "prenom arabe", "prenom en arabe", "first name ar",
                      "first name arabic", "first name ar script"),
    "family_name_ar": ("nom ar", "nom arabe", "nom en arabe", "last name ar",
                       "last name arabic", "family name arabic"),
    "father_name_ar": ("nom du pere ar", "nom du pere en arabe", "father name arabic"),
    "mother_name_ar": ("nom de la mere ar", "nom de la mere en arabe", "mother name arabic"),
    "first_name_lat": ("prenom fr", "prenom latin", "prenom en francais", "first name lat",
                       "first name latin", "first name fr"),
    "family_name_lat": ("nom fr", "nom latin", "nom en francais", "last name lat",
                        "last name latin", "family name latin", "last name fr"),
    "father_name_lat": ("nom du pere fr", "nom du pere en francais", "father name latin"),
    "mother_name_lat": ("nom de la mere fr", "nom de la mere en francais",
                        "mother name latin"),
    "sex": ("sexe", "sex", "gender", "genre", "الجنس", "النوع"),
    "birth_date": ("date de naissance", "date naissance", "ddn", "ne le", "nee le",
                   "ne e le", "date of birth", "birth date", "birthdate", "dob",
                   "تاريخ الازدياد", "تاريخ الميلاد", "تاريخ الولادة", "تاريخ الإزدياد"),
    "birth_year": ("annee de naissance", "annee naissance", "year of birth", "birth year",
                   "سنة الازدياد", "سنة الميلاد", "سنة الإزدياد", "سنة الولادة"),
    "cin": ("cin", "cnie", "n cin", "num cin", "numero cin", "no cin", "n de cin",
            "n de la cin", "c i n", "carte nationale", "carte d identite nationale",
            "national id", "national identity card", "id card",
            "رقم البطاقة الوطنية", "البطاقة الوطنية", "ب ت و", "رقم ب ت و"),
    "rnp": ("rnp", "identifiant rnp", "id rnp", "numero rnp", "registre national de la "
            "population", "السجل الوطني للسكان", "المعرف المدني"),
    "rsu": ("rsu", "identifiant rsu", "id rsu", "numero rsu", "registre social unifie",
            "السجل الاجتماعي الموحد", "المعرف الاجتماعي"),
    "passport": ("passeport", "passport", "n passeport", "passport number",
                 "جواز السفر", "رقم جواز السفر"),
    "residence_card": ("carte de sejour", "titre de sejour", "residence card",
                       "residence permit", "بطاقة الإقامة", "رقم بطاقة الإقامة"),
    "document_country": ("pays", "pays de delivrance", "nationalite", "country",
                         "issuing country", "nationality", "البلد", "الجنسية"),
    "phone": ("telephone", "tel", "tele", "gsm", "portable", "mobile", "phone",
              "phone number", "numero de telephone", "n telephone", "الهاتف", "رقم الهاتف",
              "الهاتف المحمول"),
    "phone2": ("telephone 2", "tel 2", "autre telephone", "phone 2", "second phone",
               "other phone", "هاتف آخر", "الهاتف 2"),
    "commune": ("commune", "code commune", "commune code", "code hcp", "localite",
                "municipality", "الجماعة", "الجماعة الترابية", "رمز الجماعة"),
    "address": ("adresse", "address", "domicile", "العنوان", "عنوان السكن"),
    "languages": ("langues", "langue", "languages", "language", "langues parlees",
                  "اللغات", "اللغة"),
    "vulnerabilities": ("vulnerabilite", "vulnerabilites", "categorie", "categories",
                        "vulnerability", "vulnerabilities", "category", "الفئة", "الهشاشة",
                        "الفئات"),
    "household": ("menage", "id menage", "n menage", "numero menage", "code menage",
                  "foyer", "famille", "household", "household id", "family id", "الأسرة",
                  "رقم الأسرة", "رمز الأسرة"),
    "relationship": ("lien de parente", "lien", "parente", "relation", "relationship",
                     "relationship to head", "lien avec le chef de menage", "صلة القرابة",
                     "العلاقة برب الأسرة", "القرابة"),
}
_GUESS = {fold_header(s): field for field, names in _SYNONYMS.items() for s in names}
_GUESS.update({fold_header(f): f for f in FIELD_NAMES})


def guess_field(header: str) -> str:
    """The field a header most probably stands for, or IGNORE."""
    folded = fold_header(header)
    if folded in _GUESS:
        return _GUESS[folded]
    # "Prénom (arabe)", "الاسم الشخصي بالعربية": a known header plus a script word.
    words = folded.split()
    for script, markers in (("_ar", {"ar", "arabe", "arabic", "بالعربيه", "عربي"}),
                            ("_lat", {"fr", "lat", "latin", "francais", "french",
                                      "بالفرنسيه", "بالحروف", "اللاتينيه"})):
        if markers & set(words):
            base = _GUESS.get(" ".join(w for w in words if w not in markers))
            if base in SCRIPT_NEUTRAL:
                return base + script
    return IGNORE


def guess_mapping(headers: list[str], saved: dict | None = None) -> dict[str, str]:
    """Header → field for every header: the source's saved mapping first, then the guess;
    a field is given to its first header only."""
    saved = saved or {}
    guessed = {h: guess_field(h) for h in headers if h not in saved}
    # "Prénom" and "الاسم الشخصي" side by side: each is the name in its header's script.
    for neutral in SCRIPT_NEUTRAL:
        claimants = [h for h, f in guessed.items() if f == neutral]
        if len(claimants) > 1:
            for header in claimants:
                guessed[header] = neutral + ("_ar" if _ARABIC.search(header) else "_lat")
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        if header in saved:
            field = saved[header] if saved[header] in FIELD_NAMES else IGNORE
        else:
            field = guessed[header]
        if field and field in taken:
            field = IGNORE
        if field:
            taken.add(field)
        mapping[header] = field
    return mapping


def check_mapping(mapping: dict[str, str], *, complete: bool = True) -> list[str]:
    """What is wrong with a mapping, as sentences (empty when it can be used). A
    ``complete`` mapping names at least the columns every person needs."""
    problems = []
    used = [f for f in mapping.values() if f]
    unknown = sorted({f for f in used if f not in FIELD_NAMES})
    if unknown:
        problems.append(str(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}))
    doubled = sorted({f for f in used if used.count(f) > 1})
    if doubled:
        problems.append(str(_("Each field may come from one column only: %(fields)s.") % {
            "fields": ", ".join(str(FIELD_LABELS.get(f, f)) for f in doubled)}))
    names = set(used)
    if not complete:
        return problems
    if not names & {"first_name", "first_name_ar", "first_name_lat"} or \
            not names & {"family_name", "family_name_ar", "family_name_lat"}:
        problems.append(str(_("Map a column to a first name and one to a family name.")))
    if not names & {"birth_date", "birth_year"}:
        problems.append(str(_("Map a column to the date or the year of birth.")))
    if "sex" not in names:
        problems.append(str(_("Map a column to the sex.")))
    return problems
