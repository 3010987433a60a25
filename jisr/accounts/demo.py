"""Demo staff: the named personas of the documentation, and a team for every centre,
partner and territory, all with the demo password (``JISR_DEMO_PASSWORD``)."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.core import audit
from jisr.env import env_str
from jisr.network.models import Centre, PartnerOrganisation
from jisr.territory.models import Province, Region

DEFAULT_PASSWORD = "jisr-demo-2026"

# username, role, Latin name, Arabic name, scope (centre kind + commune code, partner code,
# province or region code)
PERSONAS = [
    ("admin", Role.ADMINISTRATOR, ("Salma", "Idrissi"), "سلمى الإدريسي", None),
    ("nadia", Role.NATIONAL_ANALYST, ("Nadia", "Benjelloun"), "نادية بنجلون", None),
    ("omar", Role.REGIONAL_COORDINATOR, ("Omar", "Tazi"), "عمر التازي", ("region", "07")),
    ("laila", Role.PROVINCIAL_COORDINATOR, ("Laila", "Chraibi"), "ليلى الشرايبي",
     ("province", "07.351")),
    ("khadija", Role.CENTRE_MANAGER, ("Khadija", "Alaoui"), "خديجة العلوي",
     ("centre", "jisr", "07.351.01.0")),
    ("youssef", Role.SOCIAL_WORKER, ("Youssef", "El Amrani"), "يوسف العمراني",
     ("centre", "jisr", "07.351.01.0")),
    ("amina", Role.RECEPTION_OFFICER, ("Amina", "Bennani"), "أمينة بناني",
     ("centre", "jisr", "07.351.01.0")),
    ("said", Role.EMERGENCY_AGENT, ("Said", "Ouazzani"), "سعيد الوزاني",
     ("centre", "mobile", "07.351.01.0")),
    ("rachid", Role.PARTNER_AGENT, ("Rachid", "Fassi"), "رشيد الفاسي", ("partner", "P-ASS-07")),
    ("karim", Role.SOCIAL_WORKER, ("Karim", "Berrada"), "كريم برادة",
     ("centre", "jisr", "02.411.01.23")),
]

_FIRST = [("Fatima", "فاطمة"), ("Mohamed", "محمد"), ("Hanane", "حنان"), ("Mustapha", "مصطفى"),
          ("Zineb", "زينب"), ("Abdellah", "عبد الله"), ("Meryem", "مريم"), ("Hicham", "هشام"),
          ("Naima", "نعيمة"), ("Brahim", "إبراهيم"), ("Souad", "سعاد"), ("Driss", "إدريس")]
_LAST = [("Amrani", "العمراني"), ("Bouzid", "بوزيد"), ("Lahlou", "لحلو"), ("Saidi", "السعيدي"),
         ("Ait Ali", "آيت علي"), ("Ouali", "الوالي"), ("Kettani", "الكتاني"),
         ("Zerouali", "الزروالي"), ("Haddou", "حدو"), ("Benali", "بنعلي")]


def _name(rng: random.Random) -> tuple[str, str, str]:
    (first, first_ar), (last, last_ar) = rng.choice(_FIRST), rng.choice(_LAST)
    return first, last, f"{first_ar} {last_ar}"


def _scope(spec) -> dict:
    if spec is None:
        return {}
    kind = spec[0]
    if kind == "centre":
        return {"centre": Centre.objects.get(kind=spec[1], commune__code=spec[2])}
    if kind == "partner":
        return {"partner": PartnerOrganisation.objects.get(code=spec[1])}
    if kind == "province":
        return {"province": Province.objects.get(code=spec[1])}
    return {"region": Region.objects.get(code=spec[1])}


def password() -> str:
    return env_str("JISR_DEMO_PASSWORD", DEFAULT_PASSWORD)


def build(*, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    # One hash for every demo account: hashing is deliberately slow, the password the same.
    hashed = make_password(password())
    existing = set(User.objects.values_list("username", flat=True))
    users = []
    for username, role, (first, last), name_ar, spec in PERSONAS:
        users.append(User(username=username, role=role, first_name=first, last_name=last,
                          full_name_ar=name_ar, email=f"{username}@demo.jisr.ma",
                          password=hashed, **_scope(spec)))
    for centre in Centre.objects.order_by("code"):
        roles = [Role.CENTRE_MANAGER, Role.SOCIAL_WORKER, Role.RECEPTION_OFFICER]
        if centre.kind == Centre.Kind.MOBILE:
            roles = [Role.CENTRE_MANAGER, Role.EMERGENCY_AGENT]
        for role in roles:
            first, last, name_ar = _name(rng)
            username = f"{centre.code.lower()}.{role.split('_')[0]}"
            users.append(User(username=username, role=role, first_name=first, last_name=last,
                              full_name_ar=name_ar, email=f"{username}@demo.jisr.ma",
                              password=hashed, centre=centre))
    for partner in PartnerOrganisation.objects.order_by("code"):
        first, last, name_ar = _name(rng)
        username = f"{partner.code.lower()}.agent"
        users.append(User(username=username, role=Role.PARTNER_AGENT, first_name=first,
                          last_name=last, full_name_ar=name_ar, password=hashed,
                          email=f"{username}@demo.jisr.ma", partner=partner))
    for province in Province.objects.order_by("code"):
        first, last, name_ar = _name(rng)
        username = f"province-{province.code}.coordinator"
        users.append(User(username=username, role=Role.PROVINCIAL_COORDINATOR, first_name=first,
                          last_name=last, full_name_ar=name_ar, password=hashed,
                          email=f"{username}@demo.jisr.ma", province=province))
    for region in Region.objects.order_by("code"):
        first, last, name_ar = _name(rng)
        username = f"region-{region.code}.coordinator"
        users.append(User(username=username, role=Role.REGIONAL_COORDINATOR, first_name=first,
                          last_name=last, full_name_ar=name_ar, password=hashed,
                          email=f"{username}@demo.jisr.ma", region=region))
    new = [u for u in users if u.username not in existing]
    for user in new:
        user.full_clean(exclude=["password"])
    User.objects.bulk_create(new)
    if new:
        audit.record_bulk(actor=None, action="accounts.demo.staff", object_type="accounts.user",
                          count=len(new))
    return {"staff": len(new), "managers linked": _link_managers()}


def _link_managers() -> int:
    """Make each centre's (first) centre manager its manager, where none is set yet."""
    managers = {}
    for user_id, centre_id in User.objects.filter(
            role=Role.CENTRE_MANAGER, is_active=True).order_by("pk").values_list("pk",
                                                                                 "centre_id"):
        managers.setdefault(centre_id, user_id)
    centres = list(Centre.objects.filter(manager__isnull=True, pk__in=managers).only("pk"))
    for centre in centres:
        centre.manager_id = managers[centre.pk]
    Centre.objects.bulk_update(centres, ["manager"], batch_size=1000)
    if centres:
        audit.record_bulk(actor=None, action="network.demo.managers",
                          object_type="network.centre", count=len(centres))
    return len(centres)
