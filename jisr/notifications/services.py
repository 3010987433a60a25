"""Writing and delivering notifications.

Other apps call :func:`notify` from their own services, inside their transaction: the
notification is saved with the event (or not at all if the event rolls back) and its
delivery is enqueued with ``transaction.on_commit`` as a background task. Delivery claims the
row with a conditional UPDATE before sending, so two workers (or a task and the retry job)
never send the same message at the same time; a failed attempt is retried with backoff by
the periodic job (tasks.retry_notifications) until ``JISR_NOTIFICATION_MAX_ATTEMPTS``.

A worker that dies in the middle of a send leaves the row claimed for :data:`LEASE`; the
retry job then sends it again, so a crash at the worst moment may deliver an e-mail or SMS
twice (never zero times). The SMS gateway receives the notification's reference as
``client_reference`` and may deduplicate on it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.core import audit
from jisr.core.exceptions import ValidationFailed
from jisr.notifications import channels
from jisr.notifications.messages import language_for_person, message_language, render_message
from jisr.notifications.models import Notification

logger = logging.getLogger(__name__)

Channel = Notification.Channel
Status = Notification.Status

# How long a delivery attempt holds its claim on the row (well above the SMTP and SMS
# timeouts): past it, the retry job may try again.
LEASE = timedelta(minutes=5)
# A queued message whose task has not run after this long is picked up by the retry job
# (its task was lost, e.g. the queue was flushed).
LOST_TASK_GRACE = timedelta(minutes=2)
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failed ones: 1, 4, 16, 64 min…"""
    return min(FIRST_RETRY * 4 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def _dedupe_key(*, event: str, key: str, channel: str, recipient, address: str) -> str:
    who = f"user:{recipient.pk}" if recipient is not None else f"to:{address}"
    raw = "\x1f".join((event, key, channel, who))
    return hashlib.sha256(raw.encode()).hexdigest()


def _address(*, channel: str, recipient, phone: str, email: str) -> str:
    from jisr.registry.identifiers import normalise_phone

    if channel == Channel.SMS:
        number = phone or (getattr(recipient, "phone", "") if recipient is not None else "")
        if not number:
            raise ValidationFailed(_("No phone number to send the SMS to."),
                                   fields={"phone": [_("Give a phone number.")]})
        try:
            return normalise_phone(number)
        except ValidationError as exc:
            raise ValidationFailed(fields={"phone": exc.messages})
    if channel == Channel.EMAIL:
        address = (email or (getattr(recipient, "email", "") if recipient else "")).strip()
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationFailed(_("No valid e-mail address to send the message to."),
                                   fields={"email": [_("Enter a valid e-mail address.")]})
        return address
    return ""


def _person_sms_phone(person) -> str:
    from jisr.registry.models import Phone

    phones = sorted(person.phones.all(), key=lambda p: (p.kind != Phone.Kind.MOBILE, p.pk))
    return phones[0].number if phones else ""


def _person_consents_to_sms(person) -> bool:
    from jisr.registry.models import Consent

    return person.consents.filter(purpose=Consent.Purpose.SMS_CONTACT,
                                  withdrawn_at=None).exists()


def notify(*, event: str, key: str, channel: str, template: str, context: dict | None = None,
           recipient=None, person=None, phone: str = "", email: str = "",
           language: str | None = None, related: models.Model | None = None,
           link_label: str = "", link_url: str = "", actor=None) -> Notification | None:
    """Notify one recipient of an event, on one channel; returns the notification.

    ``recipient`` is a staff member; a citizen is reached by ``phone`` or ``email``, or as a
    registry ``person`` (their mobile phone and language, and only with an active consent to
    be contacted by SMS: without one nothing is sent and None is returned). ``key`` names
    the occurrence of the event (``f"referral:{pk}"``): the same event, key, channel and
    recipient give back the notification already made instead of a second one.
    ``template`` names the message (jisr.notifications.messages), rendered in ``language``
    (else the person's, else Arabic) with ``context``. Call it inside the transaction of the
    event; delivery starts once that transaction commits.
    """
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Choose a channel from the list.")]})
    if not event or not key:
        raise ValidationFailed(_("A notification needs its event and key."))
    if person is not None:
        if channel == Channel.SMS and not _person_consents_to_sms(person):
            logger.info("no SMS for %s (person %s): no active consent to SMS contact",
                        event, person.pk)
            return None
        phone = phone or _person_sms_phone(person)
        language = language or language_for_person(person)
    if recipient is not None and not language:
        language = getattr(recipient, "preferred_language", "") or None
    if channel == Channel.IN_APP and recipient is None:
        raise ValidationFailed(_("Only a staff member has an inbox in the application."))
    address = _address(channel=channel, recipient=recipient, phone=phone, email=email)
    dedupe_key = _dedupe_key(event=event, key=key, channel=channel, recipient=recipient,
                             address=address)
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    language = message_language(language)
    subject, body = render_message(template=template, language=language,
                                   context=context or {}, sms=channel == Channel.SMS)
    now = timezone.now()
    notification = Notification(
        recipient=recipient, address=address, channel=channel, language=language,
        event=event, subject=subject, body=body, dedupe_key=dedupe_key,
        link_label=link_label[:200], link_url=link_url or _url_of(related),
        status=Status.SENT if channel == Channel.IN_APP else Status.QUEUED,
        sent_at=now if channel == Channel.IN_APP else None,
        next_attempt_at=None if channel == Channel.IN_APP else now)
    if related is not None:
        notification.content_type = ContentType.objects.get_for_model(related)
        notification.object_id = str(related.pk)
    notification.full_clean(exclude=["dedupe_key"])
    try:
        # A savepoint: a concurrent notify() of the same event must not break the caller's
        # transaction; the loser gets the winner's row.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is None:
            raise
        return existing
    audit.record(actor=actor, action="notifications.notification.create", obj=notification,
                 after=audit.snapshot(notification, Notification.AUDIT_VALUE_FIELDS))
    if channel != Channel.IN_APP:
        transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def _url_of(related) -> str:
    getter = getattr(related, "get_absolute_url", None)
    return getter() if getter else ""


def _enqueue(notification_id: int) -> None:
    from jisr.notifications.tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception:  # the queue is down: the retry job will pick the row up
        logger.exception("could not enqueue delivery of notification %s", notification_id)


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> str:
    """One delivery attempt of an e-mail or SMS: "sent", "failed", or "skipped" when it is
    not due (already sent, given up, or claimed by another worker). Safe to run twice."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, channel__in=[Channel.EMAIL, Channel.SMS],
        status__in=[Status.QUEUED, Status.FAILED], next_attempt_at__lte=now,
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    reference = str(notification.reference)
    try:
        if notification.channel == Channel.SMS:
            provider_id = channels.send_sms(to=notification.address, text=notification.body,
                                            reference=reference)
        else:
            provider_id = channels.send_email(to=notification.address,
                                              subject=notification.subject,
                                              body=notification.body, reference=reference)
    except channels.DeliveryFailed as exc:
        given_up = notification.attempts >= settings.JISR_NOTIFICATION_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            status=Status.FAILED, last_error=str(exc), failed_at=timezone.now(),
            next_attempt_at=None if given_up else now + backoff(notification.attempts))
        logger.warning("notification %s: attempt %s failed%s: %s", notification_id,
                       notification.attempts, " (given up)" if given_up else "", exc)
        return "failed"
    Notification.objects.filter(pk=notification_id).update(
        status=Status.SENT, sent_at=timezone.now(), provider_id=provider_id,
        next_attempt_at=None, last_error="")
    return "sent"


def notifications_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """E-mails and SMS whose next attempt is due: failed ones after their backoff, and
    queued ones whose delivery task seems lost."""
    now = now or timezone.now()
    qs = Notification.objects.filter(
        models.Q(status=Status.FAILED, next_attempt_at__lte=now)
        | models.Q(status=Status.QUEUED, next_attempt_at__lte=now - LOST_TASK_GRACE),
        channel__in=[Channel.EMAIL, Channel.SMS])
    return list(qs.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


@transaction.atomic
def notification_mark_read(*, user, notification_id) -> Notification:
    notification = policy.get_or_404(policy.notifications_for(user).select_for_update(),
                                     pk=notification_id)
    if notification.status != Status.READ:
        before = audit.snapshot(notification, ["status"])
        notification.status = Status.READ
        notification.read_at = timezone.now()
        notification.save(update_fields=["status", "read_at"])
        audit.record(actor=user, action="notifications.notification.read", obj=notification,
                     before=before, after=audit.snapshot(notification, ["status"]))
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    count = policy.notifications_for(user).exclude(status=Status.READ).update(
        status=Status.READ, read_at=timezone.now())
    if count:
        audit.record_bulk(actor=user, action="notifications.notification.read_all",
                          object_type="notifications.notification", count=count)
    return count


def notify_staff(users, *, event: str, key: str, template: str, context: dict | None = None,
                 related: models.Model | None = None, link_url: str = "", actor=None,
                 language: str | None = None) -> None:
    """Tell members of staff of an event in their inbox and, when they have an address, by
    e-mail: each in their preferred language, else ``language`` (e.g. the request's), else
    the default. The template's context gets each one as ``recipient``. Inactive accounts
    and None are skipped."""
    for user in users:
        if user is None or not user.is_active:
            continue
        channels = [Channel.IN_APP] + ([Channel.EMAIL] if user.email else [])
        for channel in channels:
            notify(event=event, key=key, channel=channel, template=template,
                   context={**(context or {}), "recipient": user}, recipient=user,
                   language=user.preferred_language or language, related=related,
                   link_url=link_url, actor=actor)
