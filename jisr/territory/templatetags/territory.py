"""Formatting of census figures: Western digits in every language, an empty figure shown as
a dash (never 0, which would be a count).

Digit groups are joined by a narrow no-break space: the Unicode bidirectional algorithm
treats it as a separator *inside* a number, where an ordinary space would split the number
into runs that a right-to-left page lays out in reverse order ("222 030 4")."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value, unit: str = ""):
    if value is None or value == "":
        return "—"
    if isinstance(value, float) and not value.is_integer():
        text = number_format(value, decimal_pos=None, use_l10n=True)
    else:
        text = intcomma(int(value))
    text = text.replace(" ", "\u202f").replace("\u00a0", "\u202f")
    if unit == "percent":
        return f"{text}\u202f%"
    return text


@register.filter
def get_value(mapping, key):
    return (mapping or {}).get(key)
