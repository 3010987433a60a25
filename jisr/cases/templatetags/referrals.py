"""``{% referrals_panel case %}``: the referrals block of the case page (its list, and where
the "Refer" form is drawn when opened: ``views_referrals.referral_new``), read through the
referral selectors with the page's user, so the case page's view needs no change."""

from __future__ import annotations

from django import template

from jisr.accounts import policy
from jisr.cases import referral_selectors as selectors
from jisr.cases import referral_services as services
from jisr.core.exceptions import DomainError

register = template.Library()


def refer_state(user, case) -> tuple[bool, str | None]:
    """Whether ``user`` may refer ``case`` now, and if not only because of the case's stage,
    why (said instead of offering a form the service would refuse)."""
    if not policy.has_perm(user, "cases.refer") or case.is_closed:
        return False, None
    try:
        services.check_case_referrable(case)
    except DomainError as exc:
        return False, exc.message
    return True, None


@register.inclusion_tag("cases/referrals/_panel.html", takes_context=True)
def referrals_panel(context, case) -> dict:
    """The form itself is drawn on demand (``views_referrals.referral_new``) when the worker
    opens "Refer to a service": its list of a region's services, each with its places, is
    most of the case page's cost and most views of the page do not refer."""
    user = context["request"].user
    referrals = selectors.referrals_of_case(user=user, case=case)
    can_refer, not_yet = refer_state(user, case)
    return {"case": case, "csrf_token": context.get("csrf_token"), "can_refer": can_refer,
            "cards": [{"referral": r, "position": selectors.position_of(r)}
                      for r in referrals],
            # a case not yet referred anywhere has the box open, its form drawn at once
            "refer_open": not referrals, "not_yet": not_yet}
