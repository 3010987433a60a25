"""``{% referrals_panel case %}``: the referrals block of the case page (its list and the
"Refer" form), read through the referral selectors with the page's user, so the case
page's view needs no change."""

from __future__ import annotations

from django import template

from jisr.accounts import policy
from jisr.cases import referral_selectors as selectors
from jisr.cases import referral_services as services
from jisr.cases.referral_forms import ReferralForm
from jisr.core.exceptions import DomainError

register = template.Library()


@register.inclusion_tag("cases/referrals/_panel.html", takes_context=True)
def referrals_panel(context, case) -> dict:
    user = context["request"].user
    referrals = selectors.referrals_of_case(user=user, case=case)
    can_refer = policy.has_perm(user, "cases.refer") and not case.is_closed
    not_yet = None
    if can_refer:
        try:
            services.check_case_referrable(case)
        except DomainError as exc:
            # Say why instead of offering a form the service would refuse.
            can_refer, not_yet = False, exc.message
    offerings = selectors.with_places(selectors.offering_choices(case=case)) \
        if can_refer else []
    form = None
    if can_refer:
        form = ReferralForm(offerings=selectors.offering_choices(case=case))
        # The choices were read above with their counts: no second query when drawn.
        form.fields["offering"].choices = [("", "—")] + [
            (o.pk, form.fields["offering"].label_from_instance(o)) for o in offerings]
    return {"case": case, "csrf_token": context.get("csrf_token"), "form": form,
            "cards": [selectors.card_of(r, sender=True, receiver=False) for r in referrals],
            "offerings": offerings, "not_yet": not_yet}
