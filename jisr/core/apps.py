from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jisr.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from jisr.core import checks  # noqa: F401  (registers system checks)
        from jisr.core.middleware import SlidingSessionMiddleware

        user_logged_in.connect(SlidingSessionMiddleware.logged_in,
                               dispatch_uid="jisr.core.sliding_session")
