"""The delivery deadline of an accepted referral: set at acceptance (the offering's delivery
time, JISR_REFERRAL_DELIVERY_DAYS without one, or the delay the receiver agrees), shown to both
sides, reminded the day before and flagged overdue once by the deadline job, both sides told,
and counted among the activity figures' overdue referrals."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from jisr.cases import referral_services as rs
from jisr.cases.referrals import Referral
from jisr.core.exceptions import NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.network import services as network_services
from jisr.notifications.models import Notification
from jisr.reports import aggregates
from jisr.reports.models import KpiCell
from jisr.testing import pdftext

FRENCH_ERROR = "Indiquez le délai de prestation en jours, un nombre entier de 1 à 365."


@pytest.fixture
def referral(world, open_case):
    """An urgent case of the Marrakech person (youssef's) referred to rachid's association."""
    case = open_case(urgency="urgent", assigned_to=world.youssef)
    return rs.referral_send(actor=world.youssef, case=case,
                            offering=world.offerings["partner_marrakech"])


def _inbox(user, event):
    return Notification.objects.filter(recipient=user, event=event)


def _days_until(moment) -> float:
    return (moment - timezone.now()).total_seconds() / 86400


def test_accepting_sets_the_delivery_deadline_of_the_offering_or_the_network(
        world, referral, settings):
    # Given an offering without its own delivery time and the network's default of 30 days
    settings.JISR_REFERRAL_DELIVERY_DAYS = 30
    # when the association accepts
    accepted = rs.referral_accept(actor=world.rachid, referral=referral)
    # then the service is due within 30 days, audited, on the timeline, and the worker told
    assert 29.9 < _days_until(accepted.delivery_due_at) <= 30
    entry = AuditEntry.objects.get(action="cases.referral.accepted", object_id=str(referral.pk))
    assert entry.before["delivery_due_at"] is None and entry.after["delivery_due_at"]
    date = timezone.localtime(accepted.delivery_due_at).date().isoformat()
    assert referral.case.events.get(kind="referral_accepted").note.endswith(date)
    told = _inbox(world.youssef, "cases.referral.answer").get(channel="email")
    assert date in told.body


def test_the_offering_s_delivery_time_and_the_receiver_s_agreed_delay_win(
        world, referral, open_case):
    offering = world.offerings["partner_marrakech"]
    network_services.offering_update(actor=world.rachid, offering=offering, delivery_days=10)
    referral.refresh_from_db()
    accepted = rs.referral_accept(actor=world.rachid, referral=referral)
    assert 9.9 < _days_until(accepted.delivery_due_at) <= 10
    other = rs.referral_send(actor=world.youssef, case=open_case(urgency="urgent"),
                             offering=world.offerings["marrakech"])
    agreed = rs.referral_accept(actor=world.khadija, referral=other, delivery_days=45)
    assert 44.9 < _days_until(agreed.delivery_due_at) <= 45


@pytest.mark.parametrize("days", [-3, 0, 366, "12", True])
def test_bad_delivery_days_get_a_translated_error_and_change_nothing(world, referral, days):
    with translation.override("fr"), pytest.raises(ValidationFailed) as refused:
        rs.referral_accept(actor=world.rachid, referral=referral, delivery_days=days)
    assert [str(m) for m in refused.value.fields["delivery_days"]] == [FRENCH_ERROR]
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.delivery_due_at is None
    assert not referral.case.events.filter(kind="referral_accepted").exists()
    assert not _inbox(world.youssef, "cases.referral.answer").exists()


def test_negative_days_are_refused_on_the_page_and_in_the_api_in_french(
        world, referral, client_for, api_for):
    page = client_for("rachid", "fr").post(
        f"/cases/referrals/{referral.pk}/answer/", {"step": "accept", "delivery_days": "-3"},
        follow=True)
    assert FRENCH_ERROR in page.content.decode()
    api = api_for("rachid")
    response = api.post(f"/api/v1/referrals/{referral.pk}/accept/", {"delivery_days": -3},
                        format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["delivery_days"] == [FRENCH_ERROR]
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.delivery_due_at is None
    # and an offering's delivery time too
    with translation.override("fr"), pytest.raises(ValidationFailed) as refused:
        network_services.offering_update(actor=world.rachid, offering=referral.offering,
                                         delivery_days=-1)
    assert "delivery_days" in refused.value.fields
    assert referral.offering.__class__.objects.get(pk=referral.offering_id).delivery_days is None


def test_an_accepted_referral_past_its_delivery_date_is_flagged_once_and_both_sides_told(
        world, referral):
    accepted = rs.referral_accept(actor=world.rachid, referral=referral)
    now = timezone.now()
    Referral.objects.filter(pk=accepted.pk).update(delivery_due_at=now + timedelta(hours=12))
    # The day before: a reminder, once, to both sides
    assert rs.referrals_check_deadlines(now=now)["delivery_reminded"] == 1
    assert rs.referrals_check_deadlines(now=now)["delivery_reminded"] == 0
    for user in (world.rachid, world.youssef):
        assert _inbox(user, "cases.referral.delivery.due_soon").count() == 2  # app, e-mail
    # Past it: flagged once, a line of the timeline, both sides told in their inbox and by mail
    later = now + timedelta(days=1)
    counts = rs.referrals_check_deadlines(now=later)
    assert counts["delivery_overdue"] == 1 and counts["overdue"] == 0
    assert rs.referrals_check_deadlines(now=later)["delivery_overdue"] == 0
    for user in (world.rachid, world.youssef):
        overdue = _inbox(user, "cases.referral.delivery.overdue")
        assert {n.channel for n in overdue} == {"in_app", "email"} and overdue.count() == 2
        message = overdue.get(channel="email")
        assert referral.reference in message.subject and "تجاوز الأجل" in message.subject
        assert world.persons["marrakech"].family_name_ar not in message.body
    assert not Notification.objects.filter(recipient=world.oriental_partner).exists()
    assert referral.case.events.filter(kind="referral_delivery_overdue").count() == 1
    accepted.refresh_from_db()
    assert accepted.delivery_overdue_at is not None and accepted.is_overdue
    # and the activity figures count it among the overdue referrals of the referring centre
    aggregates.kpis_refresh()
    cells = KpiCell.objects.filter(centre=world.centre_marrakech, metric="referrals_overdue",
                                   category="")
    assert sum(cell.count for cell in cells) == 1


def test_a_referral_delivered_in_time_is_never_flagged(world, referral):
    rs.referral_accept(actor=world.rachid, referral=referral)
    rs.referral_deliver(actor=world.rachid, referral=referral, note="Consultation tenue")
    counts = rs.referrals_check_deadlines(now=timezone.now() + timedelta(days=400))
    assert counts["delivery_reminded"] == counts["delivery_overdue"] == 0
    referral.refresh_from_db()
    assert referral.delivery_overdue_at is None and not referral.is_overdue
    assert not Notification.objects.filter(event__startswith="cases.referral.delivery").exists()
    assert not referral.case.events.filter(kind="referral_delivery_overdue").exists()


def test_both_sides_read_the_delivery_deadline(world, referral, client_for, api_for):
    accepted = rs.referral_accept(actor=world.rachid, referral=referral, delivery_days=20)
    date = timezone.localtime(accepted.delivery_due_at).date().isoformat()
    # the referring worker: the case page, the referral's page, the API, the slip, his work
    youssef = client_for("youssef")
    assert date in youssef.get(f"/cases/{referral.case_id}/").content.decode()
    assert date in youssef.get(f"/cases/referrals/{referral.pk}/").content.decode()
    body = api_for("youssef").get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["delivery_due_at"] and not body["overdue"]
    slip = youssef.get(f"/cases/referrals/{referral.pk}/slip.pdf?lang=fr")
    pdftext.line_with(pdftext.pages(slip.content), date, rtl=False)
    work = youssef.get("/cases/work/").content.decode()
    assert "Referred service awaiting delivery" in work and date in work
    # the association: its inbox and the referral's page
    rachid = client_for("rachid")
    assert date in rachid.get("/cases/referrals/?status=accepted").content.decode()
    assert date in rachid.get(f"/cases/referrals/{referral.pk}/").content.decode()
    # past the date, both read it overdue
    Referral.objects.filter(pk=referral.pk).update(
        delivery_due_at=timezone.now() - timedelta(hours=1))
    assert api_for("rachid").get(f"/api/v1/referrals/{referral.pk}/").json()["overdue"]
    inbox = rachid.get("/cases/referrals/?status=accepted").content.decode()
    assert "referral-overdue" in inbox
    # and once the job flagged it, the association's home counts it overdue
    rs.referrals_check_deadlines()
    assert "referral-overdue" in rachid.get("/").content.decode()


def test_an_internal_referral_to_deliver_is_in_the_receiving_centre_s_work(
        world, open_case, client_for):
    referral = rs.referral_send(actor=world.youssef, case=open_case(urgency="urgent"),
                                offering=world.offerings["marrakech"])
    rs.referral_accept(actor=world.khadija, referral=referral)
    assert "Referred service to deliver" in client_for("khadija").get(
        "/cases/work/").content.decode()
    queues = client_for("khadija").get("/cases/work/queues/").content.decode()
    assert "Referrals awaiting delivery" in queues


@pytest.mark.parametrize("name", ["karim", "oriental_partner", "laila"])
def test_the_outsider_reads_nothing_of_the_deadline(world, referral, client_for, api_for,
                                                    name):
    rs.referral_accept(actor=world.rachid, referral=referral)
    client = client_for(name)
    assert client.get(f"/cases/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/cases/referrals/{referral.pk}/slip.pdf").status_code == 404
    listed = api_for(name).get("/api/v1/referrals/")
    assert listed.status_code in (200, 403)
    if listed.status_code == 200:
        assert listed.json()["results"] == []
    with pytest.raises(NotFound):
        rs.referral_deliver(actor=world.users["karim"], referral=referral)
    # and the job tells nobody outside the referral
    Referral.objects.filter(pk=referral.pk).update(
        delivery_due_at=timezone.now() - timedelta(hours=1))
    rs.referrals_check_deadlines()
    assert not Notification.objects.filter(recipient=world.users[name],
                                           event__startswith="cases.referral").exists()
