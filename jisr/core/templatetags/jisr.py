from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (keeps filters when paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.simple_tag
def drawn_when_opened(slot: str, url_name: str, pk, label, *, page: str = "",
                      at_once: bool = False):
    """The place of a form that lists much (a centre's workers, its free slots, the
    services): htmx asks ``url_name`` for it when the ``<details>`` around it is opened, or
    as the page loads (``at_once``) when that box is already open; without JavaScript, a
    link to the form's page (``page``, by default the same address). ``slot`` is the
    place's class."""
    url = reverse(url_name, args=[pk])
    return format_html(
        '<div class="{}" hx-get="{}" hx-trigger="{}" hx-swap="outerHTML"><a href="{}">{}</a>'
        "</div>", slot, url, "load" if at_once else "toggle once from:closest details",
        reverse(page, args=[pk]) if page else url, label)
