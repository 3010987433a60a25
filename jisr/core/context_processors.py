from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy

# (permission or None for any signed-in staff, url name, label)
NAVIGATION = [
    (None, "core:home", _("Home")),
    ("accounts.view_team", "accounts:team", _("My team")),
    ("accounts.manage_staff", "accounts:staff_list", _("Staff accounts")),
    ("audit.browse", "core:audit_list", _("Audit trail")),
]


def shell(request):
    user = getattr(request, "user", None)
    nav = []
    verified = not (getattr(user, "requires_two_factor", False)
                    and settings.JISR_REQUIRE_TWO_FACTOR and not user.is_verified())
    # Before the second factor is given every link would lead back to that step: show none.
    if user is not None and user.is_authenticated and getattr(user, "role", "") and verified:
        current = request.resolver_match.view_name if request.resolver_match else ""
        for perm, name, label in NAVIGATION:
            if perm is None or policy.has_perm(user, perm):
                nav.append({"url": reverse(name), "label": label, "current": name == current})
    return {"nav_items": nav, "rtl": get_language_bidi()}
