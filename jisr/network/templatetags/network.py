from __future__ import annotations

from django import template

from jisr.network.models import LANGUAGES, WEEKDAYS

register = template.Library()


@register.filter
def hours(slots):
    """Opening hours as readable lines: [(days label, opens, closes)]."""
    out = []
    for slot in slots or []:
        days = slot["days"]
        consecutive = days == list(range(days[0], days[0] + len(days)))
        if len(days) > 2 and consecutive:
            label = f"{WEEKDAYS[days[0]]} – {WEEKDAYS[days[-1]]}"
        else:
            label = ", ".join(str(WEEKDAYS[d]) for d in days)
        out.append((label, slot["opens"], slot["closes"]))
    return out


@register.filter
def language_names(codes):
    return ", ".join(str(LANGUAGES.get(code, code)) for code in codes or [])
