"""Batch duplicate detection, the review queue, merge and unmerge: services, pages, API, CLI.

The round trip test is the promise of docs/registry.md, "Merging": merging two records and
undoing the merge leaves every table as it was (but the audit trail and the merge record).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.registry import merging, review, selectors
from jisr.registry.duplicates import person_match_keys_refresh
from jisr.registry.models import (
    BreakGlassGrant,
    Consent,
    DuplicatePair,
    DuplicateScan,
    HouseholdMembership,
    Person,
    PersonFollow,
    PersonMatchKey,
    PersonMerge,
    SensitiveDetails,
    person_references,
)
from jisr.testing.factories import UserFactory
from jisr.testing.person_factories import HouseholdFactory, PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_PERSON_OUJDA

REASON = "Same CIN on the paper file, registered twice by mistake."


def _person(world, centre="marrakech", **values):
    centre_obj = getattr(world, f"centre_{centre}")
    defaults = {"commune": centre_obj.commune, "registered_at": centre_obj}
    person = PersonFactory(**{**defaults, **values})
    PersonFollow.objects.get_or_create(person=person, centre=centre_obj, defaults={
        "since": timezone.localdate()})
    person_match_keys_refresh(person)
    return person


@pytest.fixture
def twins(world):
    """Two records of one woman in Marrakech (a spelling variant, the same birth date)."""
    a = _person(world, first_name_lat="Khadija", family_name_lat="Benjelloun",
                first_name_ar="خديجة", family_name_ar="بنجلون", birth_date="1979-03-14",
                birth_year=1979, cin="EE112233", phone="0661122334", address="Derb Sidi 12")
    b = _person(world, first_name_lat="Khadidja", family_name_lat="Benjelloun",
                first_name_ar="", family_name_ar="", birth_date="1979-03-14",
                birth_year=1979, phone="0661122334", address="")
    return a, b


def _scan(actor, django_capture_on_commit_callbacks) -> DuplicateScan:
    with django_capture_on_commit_callbacks(execute=True):
        scan = review.duplicate_scan_start(actor=actor)
    scan.refresh_from_db()
    return scan


# --- batch detection -------------------------------------------------------------------

def test_a_scan_files_the_planted_duplicates_once(world, twins, django_capture_on_commit_callbacks):
    a, b = twins
    scan = _scan(world.khadija, django_capture_on_commit_callbacks)
    assert scan.status == DuplicateScan.Status.DONE and scan.percent == 100
    assert scan.persons == Person.objects.filter(merged_into=None).count()
    pair = DuplicatePair.objects.get(person_a=a, person_b=b)
    assert pair.status == DuplicatePair.Status.OPEN and pair.found_by == scan
    assert {r["code"] for r in pair.reasons} >= {"same_birth_date"}
    # A second scan finds it again but files nothing new; a dismissed pair stays dismissed.
    review.duplicate_pair_decide(actor=world.youssef, pair_id=pair.pk, decision="dismissed")
    again = _scan(world.khadija, django_capture_on_commit_callbacks)
    assert again.pairs_found >= 1 and not DuplicatePair.objects.filter(
        person_a=a, person_b=b).exclude(pk=pair.pk).exists()
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISMISSED
    assert AuditEntry.objects.filter(action="registry.duplicates.scan",
                                     kind=AuditEntry.Kind.BULK).count() == 2


def test_one_scan_at_a_time_and_only_for_allowed_roles(world):
    review.duplicate_scan_start(actor=world.khadija)  # queued: its task waits for commit
    with pytest.raises(Conflict):
        review.duplicate_scan_start(actor=world.omar)
    for name in ("amina", "youssef", "rachid", "nadia"):
        with pytest.raises(AccessDenied):
            review.duplicate_scan_start(actor=world.users[name])


def test_running_a_scan_twice_does_it_once(world, twins):
    scan = review.duplicate_scan_start(actor=world.khadija)
    review.duplicate_scan_run(scan_id=scan.pk)
    first = DuplicatePair.objects.count()
    review.duplicate_scan_run(scan_id=scan.pk)  # a second delivery of the same task
    assert DuplicatePair.objects.count() == first


def test_the_command_line_scan_reports_its_counts(world, twins):
    out = StringIO()
    call_command("find_duplicates", stdout=out)
    assert "pairs found" in out.getvalue()
    assert DuplicatePair.objects.filter(person_a=twins[0], person_b=twins[1]).exists()


# --- review decisions ------------------------------------------------------------------

def test_decisions_follow_their_order_and_roles(world):
    pair = world.pairs["marrakech"]
    with pytest.raises(AccessDenied):
        review.duplicate_pair_decide(actor=world.amina, pair_id=pair.pk, decision="dismissed")
    with pytest.raises(NotFound):  # the outsider: not even its existence
        review.duplicate_pair_decide(actor=world.karim, pair_id=pair.pk, decision="dismissed")
    with pytest.raises(ValidationFailed):
        review.duplicate_pair_decide(actor=world.youssef, pair_id=pair.pk, decision="merged")
    review.duplicate_pair_decide(actor=world.youssef, pair_id=pair.pk, decision="confirmed",
                                 note="Same mother's name on the file")
    with pytest.raises(Conflict):
        review.duplicate_pair_decide(actor=world.youssef, pair_id=pair.pk,
                                     decision="confirmed")
    review.duplicate_pair_decide(actor=world.khadija, pair_id=pair.pk, decision="dismissed")
    with pytest.raises(Conflict):
        review.duplicate_pair_decide(actor=world.khadija, pair_id=pair.pk,
                                     decision="dismissed")
    assert AuditEntry.objects.filter(action__startswith="registry.duplicates.").count() == 2


def test_the_queue_holds_pairs_touching_ones_scope_only(world):
    assert list(selectors.duplicate_pair_list(user=world.youssef)) == [world.pairs["marrakech"]]
    assert list(selectors.duplicate_pair_list(user=world.karim)) == [world.pairs["oujda"]]
    assert list(selectors.duplicate_pair_list(user=world.omar)) == [world.pairs["marrakech"]]
    for name in ("amina", "said", "rachid", "nadia", "admin", "oriental_partner"):
        assert not selectors.duplicate_pair_list(user=world.users[name]).exists(), name


# --- merge and unmerge -----------------------------------------------------------------

# The audit trail and the messages telling managers of the merge and of its undoing are the
# record of what happened, not the state the undo restores.
_IGNORED = {"core.auditentry", "registry.personmerge", "notifications.notification",
            "sessions.session",
            "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


def _database() -> dict:
    """Every row of every table (but the record of what happened); matching keys
    without their surrogate ids, since they are recomputed."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _IGNORED or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields
                  if not (model is PersonMatchKey and f.attname == "id")]
        rows = model._base_manager.values_list(*fields)
        state[label] = sorted(tuple(map(repr, row)) for row in rows)
    return state


@pytest.fixture
def linked_twins(world, twins):
    """The twins with a bit of everything linked to each: household, consents (one purpose
    on both: it cannot move), sensitive details, an emergency access, a follow elsewhere."""
    a, b = twins
    HouseholdFactory(head=a)
    household_b = HouseholdFactory(head=b)
    child = _person(world, first_name_lat="Amine", family_name_lat="Benjelloun",
                    birth_year=2012, sex="male")
    HouseholdMembership.objects.create(person=child, household=household_b,
                                       relationship=HouseholdMembership.Relationship.CHILD,
                                       start=timezone.localdate())
    for person, purpose in ((a, Consent.Purpose.CASE_FOLLOW_UP),
                            (b, Consent.Purpose.CASE_FOLLOW_UP),
                            (b, Consent.Purpose.SMS_CONTACT)):
        Consent.objects.create(person=person, purpose=purpose, method=Consent.Method.SIGNATURE,
                               recorded_by=world.youssef, centre=world.centre_marrakech)
    SensitiveDetails.objects.create(person=b, health_details="Asthma")
    PersonFollow.objects.create(person=b, centre=world.centre_safi, since=timezone.localdate())
    BreakGlassGrant.objects.create(user=world.safi, person=b, reason=REASON,
                                   expires_at=timezone.now() + timedelta(hours=1))
    pair = DuplicatePair.objects.create(person_a=a, person_b=b, decision="review", score=0.93,
                                        reasons=[])
    return a, b, pair


def test_merge_then_unmerge_leaves_the_database_as_it_was(world, linked_twins):
    a, b, pair = linked_twins
    before = _database()
    merge = merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=b.pk,
                                 choices={"first_name_lat": "absorbed"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.first_name_lat == "Khadidja" and b.merged_into_id == a.pk
    assert a.first_name_ar == "خديجة"  # kept: the survivor's own value
    assert not policy_sees(world.khadija, b) and policy_sees(world.khadija, a)
    assert SensitiveDetails.objects.get(person__in=[a, b]).person_id == a.pk
    assert Consent.objects.filter(person=a).count() == 2  # the SMS consent moved
    assert Consent.objects.filter(person=b).count() == 1  # the same purpose stayed
    assert BreakGlassGrant.objects.get().person_id == a.pk
    assert PersonFollow.objects.filter(person=a, centre=world.centre_safi).exists()
    assert not PersonMatchKey.objects.filter(person=b).exists()
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    assert _database() != before

    merging.person_unmerge(actor=world.khadija, merge_id=merge.pk, reason=REASON)
    assert _database() == before
    merge.refresh_from_db()
    assert merge.undone and merge.undone_by == world.khadija
    assert list(AuditEntry.objects.filter(action__in=(
        "registry.person.merge", "registry.person.unmerge")).values_list(
        "action", flat=True).order_by("pk")) == ["registry.person.merge",
                                                  "registry.person.unmerge"]


def policy_sees(user, person) -> bool:
    from jisr.accounts import policy

    return policy.persons_for(user).filter(pk=person.pk).exists()


def test_every_reference_to_a_person_is_found_but_the_merge_bookkeeping():
    found = {f"{f.model._meta.label_lower}.{f.name}" for f in person_references()}
    assert {"registry.identitydocument.person", "registry.phone.person",
            "registry.personfollow.person", "registry.householdmembership.person",
            "registry.consent.person", "registry.sensitivedetails.person",
            "registry.breakglassgrant.person"} <= found
    assert not {name for name in found if name.startswith(("registry.duplicatepair",
                                                           "registry.personmerge",
                                                           "registry.personmatchkey"))}
    assert "registry.person.merged_into" not in found


def test_merge_refusals(world, twins):
    a, b = twins
    with pytest.raises(AccessDenied):
        merging.person_merge(actor=world.youssef, survivor_id=a.pk, absorbed_id=b.pk)
    with pytest.raises(AccessDenied):
        merging.person_merge(actor=world.karim, survivor_id=a.pk, absorbed_id=b.pk)
    oujda_manager = UserFactory(role=Role.CENTRE_MANAGER, centre=world.centre_oujda)
    with pytest.raises(NotFound):
        merging.person_merge(actor=oujda_manager, survivor_id=a.pk, absorbed_id=b.pk)
    with pytest.raises(ValidationFailed):
        merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=a.pk)
    with pytest.raises(ValidationFailed):
        merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=b.pk,
                             choices={"nonsense": "absorbed"})
    merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=b.pk)
    with pytest.raises(Conflict):  # out of order: b is already merged
        merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=b.pk)


def test_only_the_latest_merge_into_a_record_is_undone_first(world, twins):
    a, b = twins
    c = _person(world, first_name_lat="Khadija", family_name_lat="Benjellon", birth_year=1979)
    first = merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=b.pk)
    second = merging.person_merge(actor=world.khadija, survivor_id=a.pk, absorbed_id=c.pk)
    with pytest.raises(Conflict):
        merging.person_unmerge(actor=world.khadija, merge_id=first.pk, reason=REASON)
    with pytest.raises(ValidationFailed):
        merging.person_unmerge(actor=world.khadija, merge_id=second.pk, reason="oops")
    merging.person_unmerge(actor=world.khadija, merge_id=second.pk, reason=REASON)
    with pytest.raises(Conflict):
        merging.person_unmerge(actor=world.khadija, merge_id=second.pk, reason=REASON)
    merging.person_unmerge(actor=world.khadija, merge_id=first.pk, reason=REASON)
    assert Person.objects.filter(pk__in=[a.pk, b.pk, c.pk], merged_into=None).count() == 3


def test_a_merge_across_centres_chooses_identity_only_and_tells_the_other_manager(world):
    mine = world.persons["marrakech"]
    theirs = _person(world, centre="oujda", first_name_lat="Fatima",
                     family_name_lat=f"El {CANARY_PERSON_MARRAKECH}", birth_year=1984,
                     address="Hay Al Qods, Oujda")
    manager = UserFactory(role=Role.CENTRE_MANAGER, centre=world.centre_oujda,
                          email="manager.oujda@example.ma")
    assert not policy_sees(world.khadija, theirs)
    with pytest.raises(ValidationFailed) as refused:
        merging.person_merge(actor=world.khadija, survivor_id=mine.pk, absorbed_id=theirs.pk,
                             choices={"address": "absorbed"})
    assert "address" in refused.value.fields
    merge = merging.person_merge(actor=world.khadija, survivor_id=mine.pk,
                                 absorbed_id=theirs.pk, choices={"birth": "absorbed"})
    mine.refresh_from_db()
    assert mine.address != "Hay Al Qods, Oujda"
    assert merge.choices["address"] == "survivor"
    # The Oujda centre still follows the person (its follow moved to the record kept).
    assert PersonFollow.objects.filter(person=mine, centre=world.centre_oujda).exists()
    assert policy_sees(manager, mine)


def test_the_other_centres_manager_is_told_of_a_merge(world, django_capture_on_commit_callbacks):
    mine = world.persons["marrakech"]
    theirs = _person(world, centre="oujda", first_name_lat="Fatima", birth_year=1984,
                     family_name_lat="Elalaoui")
    UserFactory(role=Role.CENTRE_MANAGER, centre=world.centre_oujda,
                email="manager.oujda@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        merge = merging.person_merge(actor=world.khadija, survivor_id=mine.pk,
                                     absorbed_id=theirs.pk, base_url="https://jisr.example")
    assert [m.to for m in mail.outbox] == [["manager.oujda@example.ma"]]
    assert f"https://jisr.example/registry/merges/{merge.pk}/" in mail.outbox[0].body


# --- pages -----------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_queue_and_the_pair_page_in_both_languages(world, client_for, language):
    c = client_for("khadija", language)
    page = c.get("/registry/duplicates/").content.decode()
    assert f'/registry/duplicates/{world.pairs["marrakech"].pk}/' in page
    assert f'/registry/duplicates/{world.pairs["oujda"].pk}/' not in page
    page = c.get(f'/registry/duplicates/{world.pairs["marrakech"].pk}/').content.decode()
    assert CANARY_PERSON_MARRAKECH in page and 'name="first_name_lat"' in page
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page


def test_the_outsider_gets_nothing_of_the_review(world, client_for):
    karim = client_for("karim")
    pair = world.pairs["marrakech"]
    assert CANARY_PERSON_MARRAKECH not in karim.get("/registry/duplicates/").content.decode()
    for url in (f"/registry/duplicates/{pair.pk}/",):
        assert karim.get(url).status_code == 404
    for url in (f"/registry/duplicates/{pair.pk}/decide/",
                f"/registry/duplicates/{pair.pk}/merge/"):
        assert karim.post(url, {"decision": "dismissed", "keep": "a"}).status_code in (403, 404)
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN and not PersonMerge.objects.filter(
        pair=pair).exists()


def test_merging_and_undoing_from_the_pages(world, client_for, twins):
    a, b = twins
    pair = DuplicatePair.objects.create(person_a=a, person_b=b, decision="match", score=0.99,
                                        reasons=[{"code": "same_phone", "text": "", "params": {}}])
    c = client_for("khadija", "fr")
    page = c.get(f"/registry/duplicates/{pair.pk}/").content.decode()
    assert "Khadidja" in page and "Même téléphone" in page
    response = c.post(f"/registry/duplicates/{pair.pk}/merge/", {
        "keep": "b", "first_name_lat": "a", "address": "a", "first_name_ar": "a",
        "family_name_ar": "a"})
    merge = PersonMerge.objects.get(pair=pair)
    assert response.status_code == 302 and response["Location"] == f"/registry/merges/{merge.pk}/"
    b.refresh_from_db()
    assert merge.survivor_id == b.pk and b.first_name_lat == "Khadija"
    assert b.address == "Derb Sidi 12" and b.first_name_ar == "خديجة"
    # The old record's page leads to the record kept.
    response = c.get(f"/registry/persons/{a.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/registry/persons/{b.pk}/"
    assert c.post(f"/registry/merges/{merge.pk}/", {"reason": "short"}).status_code == 400
    response = c.post(f"/registry/merges/{merge.pk}/", {"reason": REASON})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.merged_into_id is None


def test_a_merge_form_with_a_forged_choice_changes_nothing(world, client_for, twins):
    a, b = twins
    pair = DuplicatePair.objects.create(person_a=a, person_b=b, decision="match", score=0.99)
    c = client_for("khadija")
    response = c.post(f"/registry/duplicates/{pair.pk}/merge/", {"keep": "z",
                                                                 "first_name_lat": "q"})
    assert response.status_code == 400 and not PersonMerge.objects.filter(pair=pair).exists()


# --- API -------------------------------------------------------------------------------

def test_the_review_api_round_trip(world, api, twins, django_capture_on_commit_callbacks):
    a, b = twins
    khadija = api("khadija", "fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = khadija.post("/api/v1/duplicate-scans/")
    assert response.status_code == 201
    scan = khadija.get(f"/api/v1/duplicate-scans/{response.json()['id']}/").json()
    assert scan["status"] == "done" and scan["percent"] == 100
    pairs = khadija.get("/api/v1/duplicate-pairs/").json()["results"]
    pair = next(p for p in pairs if {p["person_a"], p["person_b"]} == {a.pk, b.pk})
    detail = khadija.get(f"/api/v1/duplicate-pairs/{pair['id']}/").json()
    assert detail["a"]["person"]["id"] == a.pk and detail["b"]["identity_card"] is None
    assert any(r["text"] == "Même date de naissance" for r in detail["pair"]["reasons"])
    response = khadija.post(f"/api/v1/duplicate-pairs/{pair['id']}/decision/",
                            {"decision": "confirmed"})
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    response = khadija.post("/api/v1/merges/", {"survivor": a.pk, "absorbed": b.pk,
                                                "choices": {"first_name_lat": "absorbed"}})
    assert response.status_code == 201, response.json()
    merge_id = response.json()["id"]
    assert khadija.get(f"/api/v1/merges/{merge_id}/").json()["survivor"] == a.pk
    response = khadija.post(f"/api/v1/merges/{merge_id}/undo/", {"reason": REASON})
    assert response.status_code == 200 and response.json()["undone_at"]
    response = khadija.post(f"/api/v1/merges/{merge_id}/undo/", {"reason": REASON})
    assert response.status_code == 409


def test_the_review_api_refuses_the_outsider_and_bad_input(world, api):
    pair = world.pairs["marrakech"]
    karim = api("karim")
    assert karim.get(f"/api/v1/duplicate-pairs/{pair.pk}/").status_code == 404
    assert pair.pk not in {p["id"] for p in karim.get("/api/v1/duplicate-pairs/").json()[
        "results"]}
    assert karim.post(f"/api/v1/duplicate-pairs/{pair.pk}/decision/",
                      {"decision": "dismissed"}).status_code == 404
    assert karim.post("/api/v1/merges/", {"survivor": pair.person_a_id,
                                          "absorbed": pair.person_b_id}).status_code == 403
    assert CANARY_PERSON_OUJDA in str(karim.get(
        f"/api/v1/duplicate-pairs/{world.pairs['oujda'].pk}/").json())
    khadija = api("khadija")
    assert khadija.get("/api/v1/duplicate-pairs/", {"status": "nope"}).status_code == 400
    assert khadija.post("/api/v1/merges/", {"survivor": "x"}).status_code == 400
    assert khadija.post("/api/v1/merges/", {"survivor": pair.person_a_id,
                                            "absorbed": pair.person_b_id,
                                            "choices": {"sex": "both"}}).status_code == 400
    assert not PersonMerge.objects.filter(survivor=pair.person_a_id).exists()
