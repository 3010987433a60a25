from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_demo_mode_not_deployed(app_configs, **kwargs):
    if settings.DEMO:
        return [checks.Warning("JISR_DEMO is on: demo logins and console e-mail are enabled.",
                               id="jisr.W001")]
    return []
