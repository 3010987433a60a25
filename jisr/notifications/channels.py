"""Delivery over each channel: e-mail through Django's e-mail backend (SMTP in production),
SMS through a small backend interface (``JISR_SMS_BACKEND``).

A channel either returns the provider's message id or raises :class:`DeliveryFailed` with
a message that goes into the notification's ``last_error`` (never the recipient's data
beyond what the provider itself answered).
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

# The gateway's answer kept in last_error is cut to this many characters.
ERROR_BODY_LIMIT = 1000


class DeliveryFailed(Exception):
    """One attempt failed; the notification is retried later (with backoff)."""


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    text: str
    reference: str  # the notification's reference: the gateway may deduplicate on it


class SmsBackend(ABC):
    """Sends one SMS; returns the provider's message id (or "")."""

    @abstractmethod
    def send(self, message: SmsMessage) -> str: ...


class ConsoleSmsBackend(SmsBackend):
    """The demo's SMS: printed on the worker's console, like the demo's e-mail."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> str:
        self.stream.write(f"SMS to {message.to} (ref {message.reference}):\n{message.text}\n"
                          f"{'-' * 40}\n")
        self.stream.flush()
        return f"console-{message.reference}"


class HttpSmsBackend(SmsBackend):
    """POSTs JSON to an HTTP gateway with a bearer token (docs/notifications.md).

    Body: ``{"to": "+2126…", "text": "…", "sender": "Jisr", "client_reference": "…"}``.
    Any 2xx answer is success (its JSON ``id``, if any, is kept); anything else, a timeout or
    a refused connection is a failure whose description (with the gateway's answer) is kept
    in the notification's ``last_error``.
    """

    def __init__(self, *, url: str, token: str, sender: str, timeout: float):
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    def send(self, message: SmsMessage) -> str:
        if not self.url:
            raise DeliveryFailed("no SMS gateway configured (JISR_SMS_GATEWAY_URL is empty)")
        if not self.url.startswith(("https://", "http://")):
            raise DeliveryFailed("JISR_SMS_GATEWAY_URL must be an http(s) address")
        payload = json.dumps({"to": message.to, "text": message.text, "sender": self.sender,
                              "client_reference": message.reference}).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Accept": "application/json", "Authorization": f"Bearer {self.token}",
                   "User-Agent": "Jisr"}
        # S310: the scheme is http(s), checked above (never file: or a custom one).
        request = urllib.request.Request(self.url, data=payload, method="POST",  # noqa: S310
                                         headers=headers)
        try:
            with urllib.request.urlopen(request,  # noqa: S310
                                        timeout=self.timeout) as response:
                body = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            text = exc.read(ERROR_BODY_LIMIT).decode("utf-8", "replace")
            raise DeliveryFailed(f"gateway answered HTTP {exc.code}: {text}"[:ERROR_BODY_LIMIT])
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryFailed(f"gateway unreachable: {reason}"[:ERROR_BODY_LIMIT])
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        return str(answer.get("id", ""))[:100] if isinstance(answer, dict) else ""


def sms_backend() -> SmsBackend:
    if settings.JISR_SMS_BACKEND == "console":
        return ConsoleSmsBackend()
    return HttpSmsBackend(url=settings.JISR_SMS_GATEWAY_URL,
                          token=settings.JISR_SMS_GATEWAY_TOKEN,
                          sender=settings.JISR_SMS_SENDER,
                          timeout=settings.JISR_SMS_GATEWAY_TIMEOUT)


def send_sms(*, to: str, text: str, reference: str) -> str:
    return sms_backend().send(SmsMessage(to=to, text=text, reference=reference))


def send_email(*, to: str, subject: str, body: str, reference: str) -> str:
    message = EmailMessage(subject=subject, body=body, to=[to],
                           headers={"X-Jisr-Reference": reference})
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP errors, refused connections, timeouts: all retryable
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:ERROR_BODY_LIMIT])
    return ""
