"""System checks of the notification channels (``jisr check``)."""

from django.conf import settings
from django.core import checks


@checks.register()
def check_sms_gateway_configured(app_configs, **kwargs):
    if settings.JISR_SMS_BACKEND == "http" and not settings.JISR_SMS_GATEWAY_URL:
        return [checks.Warning(
            "JISR_SMS_BACKEND is http but JISR_SMS_GATEWAY_URL is not set: every SMS will "
            "fail (and be retried) until it is.", id="notifications.W001")]
    return []
