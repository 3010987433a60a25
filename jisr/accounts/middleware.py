from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Reachable before the second factor is given: the step itself, leaving, the language switch.
_OPEN_PREFIXES = ("/static/", "/i18n/")


class TwoFactorRequiredMiddleware:
    """Until a user whose role requires it has entered a one-time code, every page but the
    two-factor step itself sends them there (API calls with the session get a JSON 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (settings.JISR_REQUIRE_TWO_FACTOR and user is not None and user.is_authenticated
                and getattr(user, "requires_two_factor", False) and not user.is_verified()):
            open_paths = (reverse("accounts:two_factor"), reverse("accounts:logout"))
            if not (request.path in open_paths or request.path.startswith(_OPEN_PREFIXES)):
                if request.path.startswith("/api/"):
                    return JsonResponse({"error": {
                        "code": "two_factor_required",
                        "message": _("Enter your one-time code before using the API.")},
                        "request_id": getattr(request, "request_id", "")}, status=403)
                return redirect(f"{reverse('accounts:two_factor')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
