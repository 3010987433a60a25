from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jisr.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Registers the open-referrals source that closing a case consults, and what a
        # caseload handover moves besides cases and appointments (plan steps, follow-ups).
        from jisr.cases import pathway_services, referral_services  # noqa: F401
