from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from jisr.core.exceptions import ValidationFailed
from jisr.core.models import AuditEntry
from jisr.notifications import services, tasks
from jisr.notifications.models import Notification
from jisr.registry.models import Consent
from jisr.testing.personas import CANARY_PERSON_MARRAKECH

Channel = Notification.Channel
Status = Notification.Status


def _made() -> int:
    """Notifications made by the test (the shared world has one of its own)."""
    return Notification.objects.exclude(event="sample.event").count()


def _reminder(world, *, language="ar", channel=Channel.SMS, key="appointment:1", **kwargs):
    starts = timezone.make_aware(timezone.datetime(2026, 12, 3, 10, 30))
    defaults = {"phone": "06 12 34 56 78"} if channel == Channel.SMS else {}
    defaults.update(kwargs)
    return services.notify(
        event="appointment.reminder", key=key, channel=channel,
        template="notifications/messages/appointment_reminder", language=language,
        context={"centre": world.centre_marrakech, "starts_at": starts, "reference": "RDV-1"},
        **defaults)


def test_an_in_app_notification_lands_in_the_inbox_at_once(world):
    youssef = world.users["youssef"]
    n = services.notify(event="referral.received", key="referral:7", channel=Channel.IN_APP,
                        recipient=youssef, template="notifications/messages/notice",
                        context={"title": "Nouvelle orientation", "text": "À traiter"},
                        language="fr", link_label="Orientation 7", link_url="/cases/7/")
    assert (n.status, n.subject, n.body, n.language) == (
        Status.SENT, "Nouvelle orientation", "À traiter", "fr")
    assert n.sent_at is not None and n.unread
    entry = AuditEntry.objects.get(action="notifications.notification.create")
    assert entry.object_id == str(n.pk)
    assert "À traiter" not in str(entry.after) and entry.after["channel"] == "in_app"


def test_the_same_event_never_notifies_twice(world, smtp_server,
                                            django_capture_on_commit_callbacks):
    khadija = world.users["khadija"]
    khadija.email = "khadija@example.ma"
    khadija.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = _reminder(world, channel=Channel.EMAIL, recipient=khadija)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = _reminder(world, channel=Channel.EMAIL, recipient=khadija)
    assert again.pk == first.pk and callbacks == []
    assert _made() == 1
    assert len(smtp_server.messages) == 1
    # another occurrence of the event (another key) is another notification
    with django_capture_on_commit_callbacks(execute=True):
        _reminder(world, channel=Channel.EMAIL, recipient=khadija, key="appointment:2")
    assert len(smtp_server.messages) == 2


def test_email_goes_out_over_smtp_in_the_recipients_language(
        world, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = _reminder(world, channel=Channel.EMAIL, email="fatima@example.ma", language="fr")
    n.refresh_from_db()
    assert (n.status, n.attempts, n.last_error) == (Status.SENT, 1, "")
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["fatima@example.ma"]
    content = envelope.content.decode()
    assert "Rappel de votre rendez-vous" in n.subject
    assert f"X-Jisr-Reference: {n.reference}" in content
    assert "2026-12-03" in n.body and "10:30" in n.body
    assert "d'apporter" in n.body  # plain text: nothing HTML-escaped


def test_sms_goes_to_the_gateway_normalised_and_in_arabic(
        world, sms_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = _reminder(world, language="ar")
    n.refresh_from_db()
    assert n.status == Status.SENT and n.provider_id == "fake-1"
    [message] = sms_gateway.messages
    assert message["to"] == "+212612345678" and n.address == "+212612345678"
    assert message["client_reference"] == str(n.reference)
    assert message["sender"] == "Jisr"
    assert message["text"].startswith("تذكير: موعدكم في ")
    assert world.centre_marrakech.name_ar in message["text"]
    assert sms_gateway.requests[0]["headers"]["Authorization"] == f"Bearer {sms_gateway.token}"


def test_nothing_is_sent_when_the_event_rolls_back(world, sms_gateway):
    with pytest.raises(RuntimeError), transaction.atomic():
        _reminder(world)
        raise RuntimeError("the appointment could not be booked")
    assert _made() == 0
    assert sms_gateway.messages == []


def test_a_failed_sms_is_retried_with_backoff_then_given_up(world, sms_gateway, settings,
                                                           django_capture_on_commit_callbacks):
    settings.JISR_NOTIFICATION_MAX_ATTEMPTS = 3
    sms_gateway.fail_next(3, status=503, body='{"error": "quota exceeded"}')
    with django_capture_on_commit_callbacks(execute=True):
        n = _reminder(world)
    n.refresh_from_db()
    assert (n.status, n.attempts) == (Status.FAILED, 1)
    assert n.last_error == 'gateway answered HTTP 503: {"error": "quota exceeded"}'
    first_retry = n.next_attempt_at
    assert first_retry - n.failed_at <= timedelta(minutes=1, seconds=1)
    # not due yet: the retry job leaves it alone
    assert services.notifications_due() == []
    assert services.notifications_due(now=first_retry) == [n.pk]
    assert services.notification_deliver(notification_id=n.pk, now=first_retry) == "failed"
    n.refresh_from_db()
    assert n.attempts == 2 and n.next_attempt_at - first_retry == timedelta(minutes=4)
    assert services.notification_deliver(notification_id=n.pk,
                                         now=n.next_attempt_at) == "failed"
    n.refresh_from_db()
    assert (n.status, n.attempts, n.next_attempt_at) == (Status.FAILED, 3, None)
    far = timezone.now() + timedelta(days=1)
    assert services.notifications_due(now=far) == []
    assert sms_gateway.messages == [] and len(sms_gateway.requests) == 3


def test_the_periodic_job_delivers_what_failed_once_the_gateway_is_back(
        world, sms_gateway, django_capture_on_commit_callbacks):
    sms_gateway.fail_next(1)
    with django_capture_on_commit_callbacks(execute=True):
        n = _reminder(world)
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=timezone.now())
    assert tasks.retry_notifications.call() == 1
    n.refresh_from_db()
    assert (n.status, n.attempts, n.last_error) == (Status.SENT, 2, "")
    assert len(sms_gateway.messages) == 1
    assert tasks.retry_notifications.call() == 0  # safe to run again: nothing left


def test_a_queued_message_whose_task_was_lost_is_picked_up(world, sms_gateway):
    n = _reminder(world)  # on_commit never ran: the task was never enqueued
    assert services.notifications_due() == []  # its task may still be on its way
    later = timezone.now() + services.LOST_TASK_GRACE + timedelta(seconds=1)
    assert services.notifications_due(now=later) == [n.pk]
    assert services.notification_deliver(notification_id=n.pk, now=later) == "sent"
    assert len(sms_gateway.messages) == 1


def test_delivering_twice_sends_once(world, sms_gateway):
    n = _reminder(world)
    assert services.notification_deliver(notification_id=n.pk) == "sent"
    assert services.notification_deliver(notification_id=n.pk) == "skipped"
    assert tasks.deliver_notification.call(n.pk) == "skipped"
    assert len(sms_gateway.messages) == 1


def test_a_claimed_message_is_not_sent_by_a_second_worker(world, sms_gateway):
    n = _reminder(world)
    now = timezone.now()
    # a first worker claims it (its attempt is under way)
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=now + services.LEASE)
    assert services.notification_deliver(notification_id=n.pk, now=now) == "skipped"
    assert sms_gateway.requests == []


def test_a_bad_phone_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationFailed) as exc:
        _reminder(world, phone="12")
    assert "phone" in exc.value.fields
    assert _made() == 0


def test_an_in_app_notification_needs_a_staff_recipient(world):
    with pytest.raises(ValidationFailed):
        services.notify(event="x", key="1", channel=Channel.IN_APP,
                        template="notifications/messages/notice", context={})
    with pytest.raises(ValidationFailed):
        services.notify(event="x", key="1", channel="pigeon", recipient=world.users["amina"],
                        template="notifications/messages/notice", context={})
    assert _made() == 0


def test_a_person_gets_an_sms_only_with_consent_and_in_their_language(
        world, sms_gateway, django_capture_on_commit_callbacks):
    person = world.persons["marrakech"]
    person.languages = ["fr", "ary"]
    person.save()
    assert _reminder(world, phone="", person=person, language=None) is None
    Consent.objects.create(person=person, purpose=Consent.Purpose.SMS_CONTACT,
                           method=Consent.Method.THUMBPRINT, recorded_by=world.users["amina"],
                           centre=world.centre_marrakech)
    with django_capture_on_commit_callbacks(execute=True):
        n = _reminder(world, phone="", person=person, language=None)
    assert n.language == "fr"
    assert sms_gateway.texts_to("+212612345678") == [n.body]
    assert n.body.startswith("Rappel : rendez-vous au ")
    assert CANARY_PERSON_MARRAKECH not in n.body


def test_a_message_asked_in_english_falls_back_to_arabic(world):
    n = _reminder(world, language="en")
    assert n.language == "en" and n.body.startswith("تذكير")
