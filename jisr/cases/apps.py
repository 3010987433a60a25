from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jisr.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Registers the open-referrals source that closing a case consults.
        from jisr.cases import referral_services  # noqa: F401
