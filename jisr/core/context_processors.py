from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.core.routes import url

# (permission or None for any signed-in staff, url name, label)
NAVIGATION = [
    (None, "core:home", _("Home")),
    ("accounts.view_team", "accounts:team", _("My team")),
    ("accounts.manage_staff", "accounts:staff_list", _("Staff accounts")),
    ("audit.browse", "core:audit_list", _("Audit trail")),
    ("cases.view", "cases:work", _("My work")),
    ("cases.open", "cases:reception", _("Reception")),
    ("cases.view", "cases:list", _("Cases")),
    ("cases.view", "cases:calendar", _("Calendar")),
    ("cases.handover", "cases:caseload", _("Caseload")),
    ("cases.answer_referrals", "cases:referral_inbox", _("Referrals received")),
    ("registry.view_persons", "registry:search", _("Persons")),
    ("registry.review_duplicates", "registry:duplicate_queue", _("Duplicates")),
    ("imports.import_persons", "imports:index", _("Imports")),
    ("reports.view_kpis", "reports:kpis", _("Activity figures")),
    ("cases.manage_questionnaires", "cases:questionnaires", _("Questionnaires")),
    ("cases.manage_pathway_templates", "cases:pathway_templates", _("Pathway templates")),
    ("network.view_centres", "network:centre_list", _("Centres")),
    ("network.view_partners", "network:partner_list", _("Partners")),
]
# Public pages, for everyone (citizens without an account too).
PUBLIC_NAVIGATION = [
    ("directory:index", _("Find a centre")),
    ("territory:index", _("Territories")),
]


def shell(request):
    user = getattr(request, "user", None)
    nav = []
    # DRF's token-authenticated users (an API error page) never passed through OTPMiddleware.
    is_verified = getattr(user, "is_verified", lambda: False)
    verified = not (getattr(user, "requires_two_factor", False)
                    and settings.JISR_REQUIRE_TWO_FACTOR and not is_verified())
    # Before the second factor is given every link would lead back to that step: show none.
    current = request.resolver_match.view_name if request.resolver_match else ""
    if user is not None and user.is_authenticated and getattr(user, "role", "") and verified:
        for perm, name, label in NAVIGATION:
            if perm is None or policy.has_perm(user, perm):
                nav.append({"url": url(name), "label": label, "current": name == current})
    for name, label in PUBLIC_NAVIGATION:
        nav.append({"url": url(name), "label": label, "current": name == current})
    return {"nav_items": nav, "rtl": get_language_bidi()}
