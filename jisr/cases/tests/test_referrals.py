"""Referrals (services): sending with what is shared checked against consent, the life
sent → accepted | declined → delivered | not_delivered with out-of-order steps refused, the
waiting list of a full service, the deadline job and closing a case with open referrals."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jisr.cases import listening, services
from jisr.cases import referral_services as rs
from jisr.cases.referrals import Referral
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.network.models import Service
from jisr.notifications.models import Notification
from jisr.registry.models import Consent
from jisr.registry.services import ConsentMissing
from jisr.testing.factories import OfferingFactory

# Needs: identity documents, income, housing, family (see test_listening.py).
ANSWERS = {"id_card": "no", "income": "none", "job_seeking": "yes", "housing": "tenant",
           "eviction": "yes", "household_size": "7", "dependents": ["young_children",
                                                                    "elderly"]}


@pytest.fixture
def listened(world, open_case):
    """A new case of the Marrakech person, listened to by youssef."""
    case = open_case(request="Cherche une formation en couture", assigned_to=world.youssef)
    draft = listening.listening_start(actor=world.youssef, case=case)
    listening.listening_complete(actor=world.youssef, listening=draft, answers=ANSWERS)
    case.refresh_from_db()
    assert case.stage == "listened"
    return case


@pytest.fixture
def partner_offering(world):
    return world.offerings["partner_marrakech"]


@pytest.fixture
def sharing_consent(world):
    return Consent.objects.create(person=world.persons["marrakech"],
                                  purpose=Consent.Purpose.PARTNER_SHARING,
                                  method=Consent.Method.SIGNATURE, recorded_by=world.youssef,
                                  centre=world.centre_marrakech)


def _inbox(user, event=None):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(event=event) if event else qs


def test_sending_orients_the_case_sets_the_due_date_and_tells_the_partner(
        world, listened, partner_offering):
    before = timezone.now()
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    assert referral.status == "sent" and referral.shared == []
    assert referral.due_at - referral.sent_at == timedelta(days=partner_offering.response_days)
    assert referral.sent_at >= before
    listened.refresh_from_db()
    assert listened.stage == "oriented"
    kinds = list(listened.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["stage", "referral_sent"]
    # the partner's agent, in the platform and by e-mail; no name of the person in either
    mails = _inbox(world.rachid, "cases.referral.new")
    assert {n.channel for n in mails} == {"in_app", "email"}
    assert all(world.persons["marrakech"].first_name_lat not in n.body for n in mails)
    assert referral.reference in mails[0].subject
    assert not _inbox(world.oriental_partner).exists()
    assert AuditEntry.objects.filter(action="cases.referral.sent",
                                     object_id=str(referral.pk)).exists()
    # a second referral of an oriented case leaves its stage alone
    other = OfferingFactory(centre=world.centre_marrakech,
                            service=Service.objects.get(code="listening-interview"))
    rs.referral_send(actor=world.youssef, case=listened, offering=other)
    listened.refresh_from_db()
    assert listened.stage == "oriented"


def test_sharing_more_than_the_identity_with_a_partner_needs_consent(
        world, listened, partner_offering):
    with pytest.raises(ConsentMissing) as exc:
        rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering,
                         shared=["request"])
    assert exc.value.status == 409 and "consented to sharing with a partner" in str(
        exc.value.fields["shared"][0])
    listened.refresh_from_db()
    assert listened.stage == "listened"
    assert not listened.referrals.exists() and not _inbox(world.rachid).exists()


def test_with_consent_the_request_and_needs_are_copied_but_never_violence_or_health(
        world, listened, partner_offering, sharing_consent):
    listening_row = listened.listenings.get()
    result = listening_row.result
    result["domains"].append({"domain": "protection_violence", "points": 3, "lines": []})
    listening_row.result = result
    listening_row.save()
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering,
                                shared=["needs", "request", "note"],
                                note="Disponible le matin")
    assert referral.shared == ["request", "needs", "note"]
    assert referral.shared_request == "Cherche une formation en couture"
    assert set(referral.shared_needs) == {"identity_documents", "income_work", "housing",
                                          "family_children"}
    # what was shared stays as it was sent
    listened.request = "Autre chose"
    listened.save()
    referral.refresh_from_db()
    assert referral.shared_request == "Cherche une formation en couture"


def test_bad_input_is_refused_and_changes_nothing(world, listened, partner_offering, case):
    with pytest.raises(ValidationFailed) as exc:
        rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering,
                         shared=["everything"])
    assert "shared" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        rs.referral_send(actor=world.khadija, case=listened, offering=world.offerings[
            "marrakech"], shared=["note"])
    assert "note" in exc.value.fields
    partner_offering.status = "suspended"
    partner_offering.save()
    with pytest.raises(ValidationFailed) as exc:
        rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    assert "offering" in exc.value.fields
    # a case not listened to (and not urgent) is not oriented yet
    with pytest.raises(services.TransitionRefused):
        rs.referral_send(actor=world.youssef, case=case, offering=world.offerings["marrakech"])
    # reception does not refer; the outsider does not even see the case
    with pytest.raises(AccessDenied):
        rs.referral_send(actor=world.amina, case=listened, offering=world.offerings["marrakech"])
    with pytest.raises(NotFound):
        rs.referral_send(actor=world.karim, case=listened, offering=world.offerings["oujda"])
    listened.refresh_from_db()
    assert listened.stage == "listened" and not listened.referrals.exists()


def test_an_urgent_case_is_referred_straight_from_reception(world, open_case):
    urgent = open_case(urgency="urgent", request="Sans abri ce soir")
    rs.referral_send(actor=world.youssef, case=urgent, offering=world.offerings["marrakech"])
    urgent.refresh_from_db()
    assert urgent.stage == "oriented"


def test_a_case_is_not_referred_twice_to_the_same_service(world, listened, partner_offering):
    rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    with pytest.raises(Conflict):
        rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    assert listened.referrals.count() == 1


def test_accepted_then_delivered_updates_the_case_and_tells_the_worker(
        world, listened, partner_offering):
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    referral = rs.referral_accept(actor=world.rachid, referral=referral)
    assert referral.status == "accepted" and referral.answered_by == world.rachid
    referral = rs.referral_deliver(actor=world.rachid, referral=referral, note="Inscrite")
    assert referral.status == "delivered" and referral.outcome_note == "Inscrite"
    kinds = list(listened.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["referral_accepted", "referral_delivered"]
    answers = _inbox(world.youssef, "cases.referral.answer")
    assert answers.filter(channel="in_app").count() == 2
    assert answers.filter(channel="email").count() == 2
    assert not rs.open_referrals_of(listened)


def test_out_of_order_answers_are_refused_with_a_conflict_and_change_nothing(
        world, listened, partner_offering):
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    for step, kwargs in ((rs.referral_deliver, {}),
                         (rs.referral_not_deliver, {"reason": "Absente au rendez-vous"})):
        with pytest.raises(Conflict) as exc:
            step(actor=world.rachid, referral=referral, **kwargs)
        assert exc.value.status == 409
    rs.referral_accept(actor=world.rachid, referral=referral)
    with pytest.raises(Conflict):
        rs.referral_accept(actor=world.rachid, referral=referral)
    with pytest.raises(Conflict):
        rs.referral_decline(actor=world.rachid, referral=referral,
                            reason="Nous n'avons plus de place")
    with pytest.raises(ValidationFailed) as exc:
        rs.referral_not_deliver(actor=world.rachid, referral=referral, reason="non")
    assert "reason" in exc.value.fields
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.outcome_at is None
    rs.referral_not_deliver(actor=world.rachid, referral=referral,
                            reason="La personne ne s'est pas présentée")
    referral.refresh_from_db()
    assert referral.status == "not_delivered"


def test_only_the_receiving_side_answers(world, listened, partner_offering):
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    with pytest.raises(AccessDenied):
        rs.referral_accept(actor=world.youssef, referral=referral)
    for outsider in ("oriental_partner", "karim", "safi"):
        with pytest.raises((NotFound, AccessDenied)):
            rs.referral_accept(actor=world.users[outsider], referral=referral)
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_an_internal_referral_is_answered_by_the_receiving_centre(world, listened):
    offering = OfferingFactory(centre=world.centre_safi,
                               service=Service.objects.get(code="listening-interview"))
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=offering)
    assert _inbox(world.safi, "cases.referral.new").exists()
    with pytest.raises(NotFound):
        rs.referral_accept(actor=world.karim, referral=referral)
    rs.referral_decline(actor=world.safi, referral=referral, reason="Hors de notre territoire")
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason
    assert listened.events.filter(kind="referral_declined").exists()


def test_a_full_service_queues_the_person_and_moves_the_next_up_when_a_place_frees(
        world, open_case, partner_offering):
    partner_offering.capacity = 1
    partner_offering.save()
    cases = [open_case(urgency="urgent", request=f"Demande {i}") for i in range(3)]
    first, second, third = (rs.referral_send(actor=world.youssef, case=c,
                                             offering=partner_offering) for c in cases)
    assert [r.status for r in (first, second, third)] == ["sent", "waiting", "waiting"]
    assert second.due_at is None
    assert [rs.queue_position(r) for r in (second, third)] == [1, 2]
    assert cases[1].events.filter(kind="referral_queued").exists()
    rs.referral_accept(actor=world.rachid, referral=first)
    # a waiting referral cannot be accepted before its turn
    with pytest.raises(Conflict):
        rs.referral_accept(actor=world.rachid, referral=second)
    rs.referral_deliver(actor=world.rachid, referral=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "sent" and second.due_at is not None
    assert third.status == "waiting" and rs.queue_position(third) == 1
    assert Notification.objects.filter(recipient=world.rachid, event="cases.referral.new",
                                       object_id=str(second.pk)).exists()
    # declining a waiting one takes it off the list without freeing a place
    rs.referral_decline(actor=world.rachid, referral=third, reason="Liste trop longue, désolé")
    third.refresh_from_db()
    second.refresh_from_db()
    assert third.status == "declined" and second.status == "sent"


def test_the_deadline_job_reminds_then_flags_once_and_notifies_both_sides(
        world, listened, partner_offering):
    referral = rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(due_at=now + timedelta(hours=12))
    assert rs.referrals_check_deadlines(now=now)["reminded"] == 1
    assert rs.referrals_check_deadlines(now=now)["reminded"] == 0
    for user in (world.rachid, world.youssef):
        assert _inbox(user, "cases.referral.due_soon").count() == 2  # in-app and e-mail
    later = now + timedelta(days=1)
    assert rs.referrals_check_deadlines(now=later)["overdue"] == 1
    assert rs.referrals_check_deadlines(now=later)["overdue"] == 0
    for user in (world.rachid, world.youssef):
        overdue = _inbox(user, "cases.referral.overdue")
        assert {n.channel for n in overdue} == {"in_app", "email"} and overdue.count() == 2
        message = overdue.get(channel="email")
        assert referral.reference in message.subject and "تجاوز الأجل" in message.subject
        assert partner_offering.service.name_ar in message.body
        assert world.persons["marrakech"].family_name_ar not in message.body
    assert not _inbox(world.oriental_partner).exists()
    assert listened.events.filter(kind="referral_overdue").count() == 1
    referral.refresh_from_db()
    assert referral.overdue_at is not None and referral.is_overdue
    assert AuditEntry.objects.filter(action="cases.referral.deadlines").count() == 2


def test_the_deadline_job_moves_waiting_lists_up_when_capacity_grows(
        world, open_case, partner_offering):
    partner_offering.capacity = 0
    partner_offering.save()
    referral = rs.referral_send(actor=world.youssef, case=open_case(urgency="urgent"),
                                offering=partner_offering)
    assert referral.status == "waiting"
    partner_offering.capacity = 5
    partner_offering.save()
    assert rs.referrals_check_deadlines()["promoted"] == 1
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_the_deadline_job_is_a_periodic_task():
    from jisr.core import periodic

    assert "jisr.cases.tasks.check_referral_deadlines" in periodic.registered()


def test_closing_a_case_with_open_referrals_needs_a_reason(world, listened, partner_offering):
    rs.referral_send(actor=world.youssef, case=listened, offering=partner_offering)
    with pytest.raises(ValidationFailed) as exc:
        services.case_close(actor=world.youssef, case=listened, reason="resolved")
    assert "still open" in str(exc.value.fields["note"][0])
    services.case_close(actor=world.youssef, case=listened, reason="resolved",
                        note="La personne a trouvé un emploi entre-temps")
    listened.refresh_from_db()
    assert listened.is_closed


def test_a_receiving_centre_is_told_through_its_manager_and_all_its_workers_may_answer(
        world, listened):
    referral = rs.referral_send(actor=world.youssef, case=listened,
                                offering=world.offerings["marrakech"])
    assert _inbox(world.khadija, "cases.referral.new").count() == 2  # in-app and e-mail
    assert not _inbox(world.marrakech_worker, "cases.referral.new").exists()
    # the workers of the centre find it in the inbox and answer it all the same
    rs.referral_accept(actor=world.marrakech_worker, referral=referral)
    referral.refresh_from_db()
    assert referral.status == "accepted"
