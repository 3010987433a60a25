"""``{% person_cases person %}``: the cases block of the registry's person page, read through
the cases selectors with the page's user, so the registry's view needs no change."""

from __future__ import annotations

from django import template

from jisr.accounts import policy
from jisr.cases import selectors

register = template.Library()


@register.inclusion_tag("cases/_person_cases.html", takes_context=True)
def person_cases(context, person) -> dict:
    user = context["request"].user
    return {"person": person,
            "cases": list(selectors.case_list(user=user, person=person)[:20]),
            "can_open": policy.has_perm(user, "cases.open")}
