from __future__ import annotations

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
    if user is not None and user.is_authenticated and getattr(user, "role", ""):
        current = request.resolver_match.view_name if request.resolver_match else ""
        for perm, name, label in NAVIGATION:
            if perm is None or policy.has_perm(user, perm):
                nav.append({"url": reverse(name), "label": label, "current": name == current})
    return {"nav_items": nav, "rtl": get_language_bidi()}
