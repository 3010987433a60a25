"""``{% referrals_panel case %}``: the referrals block of the case page (its list and the
"Refer" form), read through the referral selectors with the page's user, so the case
page's view needs no change."""

from __future__ import annotations

from django import template

from jisr.accounts import policy
from jisr.cases import referral_selectors as selectors
from jisr.cases import referral_services as services
from jisr.cases.referral_forms import ReferralForm
from jisr.cases.referrals import Referral
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


def refer_form(case) -> tuple[ReferralForm, list]:
    """The "Refer" form with its services, each labelled with its places and queue, but for
    those the case is already referred to (the service would refuse a second referral)."""
    offerings = selectors.with_places(selectors.offering_choices(case=case).exclude(
        pk__in=Referral.objects.filter(case=case, status__in=Referral.OPEN)
        .values("offering_id")))
    form = ReferralForm(offerings=selectors.offering_choices(case=case))
    # The choices were read above with their counts: no second query when drawn.
    form.fields["offering"].choices = [("", "—")] + [
        (o.pk, form.fields["offering"].label_from_instance(o)) for o in offerings]
    return form, offerings


@register.inclusion_tag("cases/referrals/_panel.html", takes_context=True)
def referrals_panel(context, case) -> dict:
    """The form itself is drawn on demand (``views_referrals.referral_new``) when the worker
    opens "Refer to a service": its list of a region's services, each with its places, is
    most of the case page's cost and most views of the page do not refer."""
    user = context["request"].user
    referrals = selectors.referrals_of_case(user=user, case=case)
    can_refer, not_yet = refer_state(user, case)
    return {"case": case, "csrf_token": context.get("csrf_token"), "can_refer": can_refer,
            "cards": [selectors.card_of(r, sender=True, receiver=False) for r in referrals],
            "not_yet": not_yet}
