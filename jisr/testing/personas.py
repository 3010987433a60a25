"""The named personas every test module shares (shared/STYLE.md, "Tests").

Marrakech-Safi: a Jisr centre in Marrakech with its reception officer (amina), social worker
(youssef) and manager (khadija); a SAMU social unit there (said, emergency agent); a partner
association of the region (rachid); the provincial coordinator of the prefecture of Marrakech
(laila) and the regional coordinator (omar). Nationally: an analyst (nadia) and an
administrator (admin). In Safi (same region, another province), a social worker (safi).
In Oriental, the outsider: karim, social worker at the Jisr centre of Oujda, and a partner of
Oriental (oriental_partner).

Canaries: distinctive last names that a page may show only to those allowed to see that
person, so the route-walking tests can tell a leak from a legitimate view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django_otp.plugins.otp_totp.models import TOTPDevice

from jisr.accounts.roles import Role
from jisr.network.models import Centre, PartnerOrganisation
from jisr.testing.factories import (
    CentreFactory,
    CommuneFactory,
    PartnerFactory,
    ProvinceFactory,
    RegionFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"

CANARY_MARRAKECH = "Canarymarrakech"
CANARY_SAFI = "Canarysafi"
CANARY_OUJDA = "Canaryoujda"
CANARY_PARTNER_ORIENTAL = "Canarypartneroriental"
# Persons (beneficiaries) get canaries of their own: staff names are seen more widely
# (administrators see every account) than persons, whose records are local.
CANARY_PERSON_MARRAKECH = "Canarypersonmarrakech"
CANARY_PERSON_OUJDA = "Canarypersonoujda"
# In the Marrakech person's encrypted health details: only roles holding
# registry.view_sensitive at that centre may ever see it.
CANARY_SENSITIVE = "Canarysensitive"
# In the request of a restricted case of the Marrakech centre assigned to youssef: only he
# and the centre's manager may see it, not reception nor the other workers of the centre.
CANARY_RESTRICTED = "Canaryrestricted"
CANARIES = (CANARY_MARRAKECH, CANARY_SAFI, CANARY_OUJDA, CANARY_PARTNER_ORIENTAL,
            CANARY_PERSON_MARRAKECH, CANARY_PERSON_OUJDA, CANARY_SENSITIVE, CANARY_RESTRICTED)

# Which canaries each persona may legitimately see (everything else must never appear).
# Person-level data is local: the SAMU unit (another centre), the partner, the analyst and
# the administrator see no person.
MAY_SEE = {
    "amina": {CANARY_MARRAKECH, CANARY_PERSON_MARRAKECH},
    "youssef": {CANARY_MARRAKECH, CANARY_PERSON_MARRAKECH, CANARY_SENSITIVE,
                CANARY_RESTRICTED},
    "khadija": {CANARY_MARRAKECH, CANARY_PERSON_MARRAKECH, CANARY_SENSITIVE,
                CANARY_RESTRICTED},
    # rachid's association receives a referral of the Marrakech person (identity card only).
    "said": set(), "rachid": {CANARY_PERSON_MARRAKECH},
    "laila": {CANARY_MARRAKECH, CANARY_PERSON_MARRAKECH},
    "omar": {CANARY_MARRAKECH, CANARY_SAFI, CANARY_PERSON_MARRAKECH},
    "nadia": set(),
    "admin": {CANARY_MARRAKECH, CANARY_SAFI, CANARY_OUJDA, CANARY_PARTNER_ORIENTAL},
    "karim": {CANARY_OUJDA, CANARY_PERSON_OUJDA},
    "oriental_partner": {CANARY_PARTNER_ORIENTAL},
}
OUTSIDER = "karim"


@dataclass
class World:
    marrakech_safi: object
    oriental: object
    marrakech_province: object
    safi_province: object
    oujda_province: object
    centre_marrakech: Centre
    samu_marrakech: Centre
    centre_safi: Centre
    centre_oujda: Centre
    partner_marrakech: PartnerOrganisation
    partner_oriental: PartnerOrganisation
    users: dict
    # Beneficiaries: "marrakech" (followed at the Marrakech centre, with a household, a
    # consent and sensitive details) and "oujda" (followed at the Oujda centre).
    persons: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    consents: dict = field(default_factory=dict)
    pairs: dict = field(default_factory=dict)
    scans: dict = field(default_factory=dict)
    merges: dict = field(default_factory=dict)
    offerings: dict = field(default_factory=dict)
    # Cases: "marrakech" (open, assigned to youssef, with a listening appointment and a
    # transfer proposed to Safi), "restricted" (Marrakech, violence, assigned to youssef)
    # and "oujda" (karim's centre).
    cases: dict = field(default_factory=dict)
    appointments: dict = field(default_factory=dict)
    transfers: dict = field(default_factory=dict)
    notifications: dict = field(default_factory=dict)
    # A monthly activity report khadija asked for (jisr.reports), not built yet.
    reports: dict = field(default_factory=dict)
    # On the Marrakech case: notes "plain" and "sensitive", document "marrakech".
    notes: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    # "marrakech": the Marrakech case referred to rachid's association (sharing the identity
    # card only), accepted and delivered (finished, so closing the case needs no reason).
    referrals: dict = field(default_factory=dict)
    # Pathway plans (jisr/testing/pathways.py): "marrakech" and "oujda", each with its
    # first step done (plan_steps) and a scheduled follow-up (follow_ups).
    plans: dict = field(default_factory=dict)
    plan_steps: dict = field(default_factory=dict)
    follow_ups: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    ms = RegionFactory(code="07", name_fr="Marrakech-Safi", name_ar="مراكش - آسفي")
    orient = RegionFactory(code="02", name_fr="Oriental", name_ar="الشرق")
    p_mar = ProvinceFactory(code="07.351", region=ms, name_fr="Marrakech", name_ar="مراكش")
    p_safi = ProvinceFactory(code="07.441", region=ms, name_fr="Safi", name_ar="آسفي")
    p_oujda = ProvinceFactory(code="02.411", region=orient, name_fr="Oujda-Angad",
                              name_ar="وجدة-أنجاد")
    c_mar = CommuneFactory(code="07.351.01.0", province=p_mar, name_fr="Marrakech",
                           name_ar="مراكش")
    c_safi = CommuneFactory(code="07.441.01.11", province=p_safi, name_fr="Safi", name_ar="آسفي")
    c_oujda = CommuneFactory(code="02.411.01.23", province=p_oujda, name_fr="Oujda",
                             name_ar="وجدة")
    centre_mar = CentreFactory(code="JIS-07.351.01.0", commune=c_mar)
    samu = CentreFactory(code="MOB-07.351.01.0", commune=c_mar, kind=Centre.Kind.MOBILE,
                         name_fr="SAMU social Marrakech", name_ar="الإسعاف الاجتماعي مراكش")
    centre_safi = CentreFactory(code="JIS-07.441.01.11", commune=c_safi)
    centre_oujda = CentreFactory(code="JIS-02.411.01.23", commune=c_oujda)
    partner_mar = PartnerFactory(code="P-ASS-07", region=ms,
                                 name_fr="Association Solidarité féminine Marrakech",
                                 name_ar="جمعية التضامن النسوي مراكش")
    partner_or = PartnerFactory(code="P-ASS-02", region=orient, name_fr="Association Oriental",
                                name_ar="جمعية الشرق")

    def user(username, role, last_name=None, **scope):
        return UserFactory(username=username, role=role, password=PASSWORD,
                           last_name=last_name or username.capitalize(), **scope)

    users = {
        "amina": user("amina", Role.RECEPTION_OFFICER, centre=centre_mar),
        "youssef": user("youssef", Role.SOCIAL_WORKER, centre=centre_mar),
        "khadija": user("khadija", Role.CENTRE_MANAGER, centre=centre_mar),
        "marrakech_worker": user("marrakech_worker", Role.SOCIAL_WORKER, CANARY_MARRAKECH,
                                 centre=centre_mar),
        "said": user("said", Role.EMERGENCY_AGENT, centre=samu),
        "rachid": user("rachid", Role.PARTNER_AGENT, partner=partner_mar),
        "laila": user("laila", Role.PROVINCIAL_COORDINATOR, province=p_mar),
        "omar": user("omar", Role.REGIONAL_COORDINATOR, region=ms),
        "nadia": user("nadia", Role.NATIONAL_ANALYST),
        "admin": user("admin", Role.ADMINISTRATOR),
        "safi": user("safi", Role.SOCIAL_WORKER, CANARY_SAFI, centre=centre_safi),
        "karim": user("karim", Role.SOCIAL_WORKER, CANARY_OUJDA, centre=centre_oujda),
        "oriental_partner": user("oriental_partner", Role.PARTNER_AGENT,
                                 CANARY_PARTNER_ORIENTAL, partner=partner_or),
    }
    world = World(ms, orient, p_mar, p_safi, p_oujda, centre_mar, samu, centre_safi,
                  centre_oujda, partner_mar, partner_or, users)
    _add_offerings(world)
    _add_persons(world, c_mar, c_oujda)
    _add_duplicates(world)
    _add_cases(world)
    _add_referrals(world)
    from jisr.testing.notifications import add_notifications

    add_notifications(world)
    from jisr.testing.import_factories import import_world

    import_world(world)
    _add_reports(world)
    _add_casework(world)
    from jisr.testing.pathways import add_plans

    add_plans(world)
    return world


def _add_reports(world: World) -> None:
    from django.utils import timezone

    from jisr.reports.models import ActivityReport

    world.reports["khadija"] = ActivityReport.objects.create(
        requested_by=world.users["khadija"], centre=world.centre_marrakech,
        month=timezone.localdate().replace(day=1), language="fr")


def _add_casework(world: World) -> None:
    """A plain note, a sensitive note (by youssef, its text a canary only he and the
    manager may see) and a document on the Marrakech case, for the route walk."""
    from django.core.files.base import ContentFile

    from jisr.cases import casework_services

    case, youssef = world.cases["marrakech"], world.users["youssef"]
    world.notes = {
        "plain": casework_services.note_add(actor=youssef, case=case,
                                            text="Rendez-vous pris avec la coopérative"),
        "sensitive": casework_services.note_add(
            actor=youssef, case=case, sensitive=True,
            text=f"Confie des violences anciennes ({CANARY_SENSITIVE})")}
    upload = ContentFile(b"%PDF-1.4\n% a tiny test document\n%%EOF\n", name="cin.pdf")
    world.documents = {"marrakech": casework_services.document_add(
        actor=world.users["amina"], case=case, upload=upload, kind="id_copy",
        title="Copie de la CIN")}


def _add_offerings(world: World) -> None:
    """A service offered at the Marrakech centre and one at Oujda (from the catalogue the
    migrations seed), so pages and endpoints of offerings are walked in and out of scope."""
    from jisr.network import catalogue
    from jisr.network.models import Service, ServiceDomain
    from jisr.testing.factories import OfferingFactory

    # The migrations seed the catalogue, but browser tests empty the database between tests.
    catalogue.seed(ServiceDomain, Service)
    # Not the factory's default service, which tests add to these centres themselves.
    legal_aid = Service.objects.get(code="legal-aid")
    world.offerings = {
        "marrakech": OfferingFactory(centre=world.centre_marrakech, service=legal_aid),
        "oujda": OfferingFactory(centre=world.centre_oujda, service=legal_aid)}


def _add_persons(world: World, commune_marrakech, commune_oujda) -> None:
    from jisr.registry.models import Consent, HouseholdMembership, SensitiveDetails
    from jisr.testing.person_factories import HouseholdFactory, PersonFactory

    marrakech = PersonFactory(
        first_name_lat="Fatima", family_name_lat=f"El {CANARY_PERSON_MARRAKECH}",
        first_name_ar="فاطمة", family_name_ar="العلوي", sex="female", birth_year=1984,
        commune=commune_marrakech, registered_at=world.centre_marrakech,
        cin="BE123456", phone="+212612345678")
    oujda = PersonFactory(
        first_name_lat="Mohammed", family_name_lat=CANARY_PERSON_OUJDA,
        first_name_ar="محمد", family_name_ar="الوجدي", sex="male", birth_year=1990,
        commune=commune_oujda, registered_at=world.centre_oujda, cin="F654321",
        phone="+212661000111")
    SensitiveDetails.objects.create(person=marrakech, health_details=(
        f"Diabetes, insulin daily ({CANARY_SENSITIVE})"), protection_categories=[
        "domestic_violence"], disability_types=["motor"])
    households = {"marrakech": HouseholdFactory(head=marrakech),
                  "oujda": HouseholdFactory(head=oujda)}
    assert HouseholdMembership.objects.filter(end=None).count() >= 2
    consents = {name: Consent.objects.create(
        person=person, purpose=Consent.Purpose.CASE_FOLLOW_UP,
        method=Consent.Method.SIGNATURE, recorded_by=world.users[user],
        centre=person.registered_at) for name, person, user in (
            ("marrakech", marrakech, "youssef"), ("oujda", oujda, "karim"))}
    world.persons.update(marrakech=marrakech, oujda=oujda)
    world.households.update(households)
    world.consents.update(consents)


def _add_duplicates(world: World) -> None:
    """A pair to review in Marrakech and one in Oujda, a finished scan, and an earlier
    merge of two Oujda records (the outsider's centre)."""
    from jisr.registry.models import DuplicatePair, DuplicateScan, Person, PersonMerge
    from jisr.testing.person_factories import PersonFactory

    marrakech, oujda = world.persons["marrakech"], world.persons["oujda"]
    twin_marrakech = PersonFactory(
        first_name_lat="Fadma", family_name_lat=f"Alaoui {CANARY_PERSON_MARRAKECH}",
        first_name_ar="فاضمة", family_name_ar="العلاوي", sex="female", birth_year=1985,
        commune=marrakech.commune, registered_at=world.centre_marrakech)
    twin_oujda = PersonFactory(
        first_name_lat="Mohamed", family_name_lat=f"Oujdi {CANARY_PERSON_OUJDA}",
        first_name_ar="امحمد", family_name_ar="الوجداوي", sex="male",
        birth_year=1991, commune=oujda.commune, registered_at=world.centre_oujda)
    merged_oujda = PersonFactory(
        first_name_lat="Mhamed", family_name_lat=f"Oujdi {CANARY_PERSON_OUJDA}",
        first_name_ar="امحمد", family_name_ar="الوجداوي", sex="male",
        birth_year=1992, commune=oujda.commune, registered_at=world.centre_oujda)
    scan = DuplicateScan.objects.create(status=DuplicateScan.Status.DONE, persons=4,
                                        pairs_found=2, pairs_new=2, done=4, total=4)
    reasons = [{"code": "last_name_equal", "text": "Last names equal", "params": {}},
               {"code": "first_name_spelling_variant", "text": "spelling", "params": {}}]
    world.pairs.update({name: DuplicatePair.objects.create(
        person_a=a, person_b=b, decision="review", score=0.9, reasons=reasons, found_by=scan)
        for name, a, b in (("marrakech", marrakech, twin_marrakech),
                           ("oujda", oujda, twin_oujda))})
    Person.objects.filter(pk=merged_oujda.pk).update(merged_into=oujda)
    world.merges["oujda"] = PersonMerge.objects.create(
        survivor=oujda, absorbed=merged_oujda, merged_by=world.users["karim"],
        choices={}, survivor_before={}, moved=[])
    world.scans["done"] = scan
    world.persons.update(marrakech_twin=twin_marrakech, oujda_twin=twin_oujda)
def _add_cases(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jisr.cases import services
    from jisr.cases.default_questionnaire import seed_current

    # The migration publishes it, but browser tests empty the database between tests.
    seed_current()
    youssef, karim = world.users["youssef"], world.users["karim"]
    marrakech = services.case_open(
        actor=world.users["amina"], person=world.persons["marrakech"], channel="walk_in",
        request="Cherche un travail et une formation", assigned_to=youssef)
    restricted = services.case_open(
        actor=youssef, person=world.persons["marrakech"], channel="hotline",
        request=f"Violences au domicile ({CANARY_RESTRICTED})", urgency="urgent",
        assigned_to=youssef, restricted=True, restriction_category="violence")
    oujda = services.case_open(actor=karim, person=world.persons["oujda"], channel="walk_in",
                               request="Besoin d'un logement", assigned_to=karim)
    world.cases.update(marrakech=marrakech, restricted=restricted, oujda=oujda)
    tomorrow = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    world.appointments.update(
        marrakech=services.appointment_book(actor=world.users["amina"], case=marrakech,
                                            worker=youssef, start=tomorrow),
        oujda=services.appointment_book(actor=karim, case=oujda, worker=karim,
                                        start=tomorrow))
    world.transfers["marrakech"] = services.transfer_propose(
        actor=youssef, case=marrakech, to_centre=world.centre_safi,
        reason="La personne déménage à Safi chez sa soeur")


def _add_referrals(world: World) -> None:
    """The partner's offering and a referral to it, written directly (the case stays at
    *received*, as the other tests expect); cases/tests/test_referrals*.py go through the
    services."""
    from datetime import timedelta

    from django.utils import timezone

    from jisr.cases.referrals import Referral
    from jisr.network.models import Service
    from jisr.testing.factories import OfferingFactory

    offering = OfferingFactory(partner=world.partner_marrakech, centre=None,
                               service=Service.objects.get(code="legal-aid"))
    world.offerings["partner_marrakech"] = offering
    now = timezone.now()
    world.referrals["marrakech"] = Referral.objects.create(
        case=world.cases["marrakech"], offering=offering,
        from_centre=world.centre_marrakech, status=Referral.Status.DELIVERED,
        referred_by=world.users["youssef"], created_at=now, sent_at=now,
        due_at=now + timedelta(days=offering.response_days), answered_at=now,
        answered_by=world.users["rachid"], outcome_at=now, outcome_by=world.users["rachid"])


PERSONAS = ("amina", "youssef", "khadija", "said", "rachid", "laila", "omar", "nadia", "admin",
            "karim")


def enrol_totp(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={
        "confirmed": True})
    return device


def current_code(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def login(client, user) -> None:
    """Log a test client in, with the second factor verified when the role needs one."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    if user.requires_two_factor:
        device = enrol_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
