import io
import json
import socket

import pytest

from jisr.notifications import channels
from jisr.notifications.channels import DeliveryFailed, HttpSmsBackend, SmsMessage

MESSAGE = SmsMessage(to="+212612345678", text="تذكير: موعدكم غدا", reference="ref-1")


def _backend(gateway, **overrides):
    options = {"url": gateway.url, "token": gateway.token, "sender": "Jisr", "timeout": 5}
    options.update(overrides)
    return HttpSmsBackend(**options)


def test_the_http_backend_posts_json_with_the_bearer_token(sms_gateway):
    assert _backend(sms_gateway).send(MESSAGE) == "fake-1"
    [request] = sms_gateway.requests
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(request["body"]) == {"to": "+212612345678", "text": "تذكير: موعدكم غدا",
                                           "sender": "Jisr", "client_reference": "ref-1"}


def test_a_non_2xx_answer_is_a_failure_carrying_the_body(sms_gateway):
    sms_gateway.fail_next(1, status=422, body='{"error": "unknown number"}')
    with pytest.raises(DeliveryFailed, match=r'HTTP 422: \{"error": "unknown number"\}'):
        _backend(sms_gateway).send(MESSAGE)
    with pytest.raises(DeliveryFailed, match="HTTP 401"):
        _backend(sms_gateway, token="wrong").send(MESSAGE)
    assert sms_gateway.messages == []


def test_a_slow_gateway_times_out(sms_gateway):
    sms_gateway.delay(1.5)
    with pytest.raises(DeliveryFailed, match="unreachable"):
        _backend(sms_gateway, timeout=0.5).send(MESSAGE)


def test_an_unreachable_gateway_is_a_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = HttpSmsBackend(url=f"http://127.0.0.1:{port}/messages", token="t", sender="J",
                             timeout=2)
    with pytest.raises(DeliveryFailed, match="unreachable"):
        backend.send(MESSAGE)
    with pytest.raises(DeliveryFailed, match="JISR_SMS_GATEWAY_URL"):
        HttpSmsBackend(url="", token="t", sender="J", timeout=2).send(MESSAGE)


def test_the_console_backend_prints_the_message(settings):
    stream = io.StringIO()
    assert channels.ConsoleSmsBackend(stream).send(MESSAGE) == "console-ref-1"
    assert "SMS to +212612345678" in stream.getvalue() and MESSAGE.text in stream.getvalue()
    settings.JISR_SMS_BACKEND = "console"
    assert isinstance(channels.sms_backend(), channels.ConsoleSmsBackend)
    settings.JISR_SMS_BACKEND = "http"
    assert isinstance(channels.sms_backend(), HttpSmsBackend)


def test_an_smtp_failure_is_a_delivery_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    settings.EMAIL_HOST = "127.0.0.1"
    with pytest.raises(DeliveryFailed, match="ConnectionRefusedError"):
        channels.send_email(to="a@example.ma", subject="s", body="b", reference="r")


def test_the_system_check_warns_of_a_missing_gateway(settings):
    from jisr.notifications.checks import check_sms_gateway_configured

    settings.JISR_SMS_BACKEND = "http"
    settings.JISR_SMS_GATEWAY_URL = ""
    assert [w.id for w in check_sms_gateway_configured(None)] == ["notifications.W001"]
    settings.JISR_SMS_GATEWAY_URL = "https://sms.example.ma/v1/messages"
    assert check_sms_gateway_configured(None) == []
