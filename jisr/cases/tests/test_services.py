"""Stages of a case, their rules, closing and reopening, restriction and assignment."""

import pytest

from jisr.cases import services
from jisr.cases.models import Case, CaseEvent, Stage
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.registry.models import Consent, PersonFollow, person_references
from jisr.registry.services import ConsentMissing
from jisr.testing.person_factories import PersonFactory


def _events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("kind", "from_stage",
                                                                 "to_stage"))


def test_a_case_opens_at_received_with_its_household_timeline_and_audit(world, open_case):
    case = open_case(actor="amina", urgency="urgent", assigned_to=world.youssef)
    assert case.stage == Stage.RECEIVED and case.lead_centre == world.centre_marrakech
    assert case.household == world.households["marrakech"]
    assert _events(case) == [("opened", "", "received")]
    entry = AuditEntry.objects.get(action="cases.case.open", object_id=str(case.pk))
    assert entry.actor == world.amina and "request" in entry.fields
    assert "request" not in entry.after  # the person's words stay out of the trail


def test_opening_needs_the_persons_consent_and_a_person_in_scope(world, open_case):
    person = PersonFactory(registered_at=world.centre_marrakech)
    with pytest.raises(ConsentMissing):
        services.case_open(actor=world.amina, person=person, channel="walk_in", request="x")
    with pytest.raises(NotFound):
        open_case(actor="karim")
    with pytest.raises(AccessDenied):
        open_case(actor="omar")  # coordinators see the person, and case aggregates only
    assert not Case.objects.filter(person=person).exists()


def test_opening_a_case_for_a_person_of_another_centre_starts_following_them(world):
    person = PersonFactory(registered_at=world.centre_safi)
    Consent.objects.create(person=person, purpose="case_follow_up", method="signature",
                           recorded_by=world.safi, centre=world.centre_safi)
    grant_query = PersonFollow.objects.filter(person=person, centre=world.centre_marrakech)
    PersonFollow.objects.create(person=person, centre=world.centre_marrakech)
    services.case_open(actor=world.amina, person=person, channel="walk_in", request="x")
    assert grant_query.filter(until=None).count() == 1


def test_a_restricted_case_needs_its_category(world, open_case):
    with pytest.raises(ValidationFailed) as exc:
        open_case(restricted=True)
    assert "restriction_category" in exc.value.fields


def test_the_assigned_worker_must_listen_at_the_case_centre(world, open_case):
    for worker in (world.karim, world.amina):
        with pytest.raises(ValidationFailed):
            open_case(assigned_to=worker)


def test_the_stages_follow_in_order_each_timestamped_and_audited(world, case):
    youssef = world.youssef
    with pytest.raises(services.TransitionRefused) as exc:
        services.case_orient(actor=youssef, case=case)
    assert "Listen to the person" in str(exc.value.message)
    with pytest.raises(services.TransitionRefused):
        services.case_mark_listened(actor=youssef, case=case)  # no completed listening
    case.listenings.create(version_id=_version(), status="completed", started_by=youssef)
    services.case_mark_listened(actor=youssef, case=case)
    for step in (services.case_orient, services.case_start_pathway,
                 services.case_start_follow_up):
        case = step(actor=youssef, case=case)
    assert case.stage == Stage.FOLLOW_UP
    assert [e[2] for e in _events(case) if e[0] == "stage"] == [
        "listened", "oriented", "in_pathway", "follow_up"]
    assert AuditEntry.objects.filter(object_id=str(case.pk), action="cases.case.follow_up",
                                     before={"stage": "in_pathway"},
                                     after={"stage": "follow_up"}).exists()


def _version():
    from jisr.cases.listening import published_version

    return published_version().pk


def test_an_urgent_case_may_be_oriented_before_listening(world, open_case):
    case = open_case(urgency="urgent")
    assert services.case_orient(actor=world.youssef, case=case).stage == Stage.ORIENTED


def test_out_of_order_and_repeated_transitions_are_refused_and_change_nothing(world, case):
    with pytest.raises(services.TransitionRefused):
        services.case_start_follow_up(actor=world.youssef, case=case)
    urgent = services.case_open(actor=world.youssef, person=world.persons["marrakech"],
                                channel="walk_in", request="x", urgency="urgent")
    services.case_orient(actor=world.youssef, case=urgent)
    with pytest.raises(Conflict) as exc:
        services.case_orient(actor=world.youssef, case=urgent)
    assert exc.value.code == "already_done"
    # a page showing the older stage submits again: refused, not applied twice
    with pytest.raises(Conflict) as exc:
        services.case_start_pathway(actor=world.youssef, case=urgent,
                                    expected_stage=Stage.RECEIVED)
    assert exc.value.code == "stage_changed"
    urgent.refresh_from_db()
    assert urgent.stage == Stage.ORIENTED
    assert len([e for e in _events(urgent) if e[0] == "stage"]) == 1


def test_reception_cannot_move_stages_and_outsiders_see_no_case(world, case):
    with pytest.raises(AccessDenied):
        services.case_close(actor=world.amina, case=case, reason="resolved")
    for name in ("karim", "safi", "omar", "rachid", "admin"):
        with pytest.raises(NotFound):
            services.case_close(actor=world.users[name], case=case, reason="resolved")


def test_closing_from_any_stage_with_a_reason_then_reopening_where_it_was(world, case):
    with pytest.raises(ValidationFailed):
        services.case_close(actor=world.youssef, case=case, reason="nonsense")
    with pytest.raises(ValidationFailed):
        services.case_close(actor=world.youssef, case=case, reason="other", note="short")
    case = services.case_close(actor=world.youssef, case=case, reason="moved")
    assert case.stage == Stage.CLOSED and case.closed_at and case.close_reason == "moved"
    with pytest.raises(Conflict):
        services.case_close(actor=world.youssef, case=case, reason="moved")
    with pytest.raises(services.TransitionRefused):
        services.case_orient(actor=world.youssef, case=case)
    with pytest.raises(ValidationFailed):
        services.case_reopen(actor=world.youssef, case=case, reason="")
    case = services.case_reopen(actor=world.youssef, case=case,
                                reason="La personne est revenue finalement")
    assert case.stage == Stage.RECEIVED and case.closed_at is None
    assert AuditEntry.objects.filter(action="cases.case.reopen", object_id=str(case.pk),
                                     reason="La personne est revenue finalement").exists()
    assert [e[0] for e in _events(case)][-2:] == ["closed", "reopened"]


def test_closing_with_open_referrals_needs_the_worker_to_say_why(world, case, monkeypatch):
    monkeypatch.setattr(services, "_OPEN_REFERRAL_SOURCES", [lambda c: ["referral"]])
    with pytest.raises(ValidationFailed) as exc:
        services.case_close(actor=world.youssef, case=case, reason="resolved")
    assert "still open" in str(exc.value.fields["note"][0])
    case = services.case_close(actor=world.youssef, case=case, reason="resolved",
                               note="Le partenaire a confirmé la prise en charge")
    assert case.stage == Stage.CLOSED


def test_no_case_has_open_referrals_until_the_referrals_module_registers_them(case):
    assert services.open_referrals(case) == []


def test_only_the_manager_assigns_and_lifts_a_restriction(world, case):
    with pytest.raises(AccessDenied):
        services.case_assign(actor=world.youssef, case=case, worker=world.marrakech_worker)
    services.case_assign(actor=world.khadija, case=case, worker=world.marrakech_worker)
    case.refresh_from_db()
    assert case.assigned_to == world.marrakech_worker
    restricted = world.cases["restricted"]
    with pytest.raises(AccessDenied):
        services.case_restrict(actor=world.youssef, case=restricted, restricted=False)
    services.case_restrict(actor=world.khadija, case=restricted, restricted=False)
    restricted.refresh_from_db()
    assert not restricted.restricted and restricted.restriction_category == ""


def test_a_case_foreign_key_is_among_the_references_a_merge_repoints():
    fields = {(f.model._meta.label_lower, f.name) for f in person_references()}
    assert ("cases.case", "person") in fields
    assert ("cases.notification", "person") in fields
