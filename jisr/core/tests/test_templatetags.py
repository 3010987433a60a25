"""The project's template tags (``{% load jisr %}``)."""

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation


def _render(text: str, **context) -> str:
    return Template("{% load jisr %}" + text).render(Context(context))


def test_a_form_drawn_when_opened_asks_for_it_when_its_box_opens_or_links_to_its_page():
    url = reverse("cases:assign", args=[7])
    with translation.override("ar"):
        label = translation.gettext("Choose the worker")
        html = _render('{% drawn_when_opened "assign-form-slot" "cases:assign" pk '
                       '_("Choose the worker") %}', pk=7)
    assert label != "Choose the worker"  # in the page's language
    assert html == (f'<div class="assign-form-slot" hx-get="{url}" hx-trigger="toggle once '
                    f'from:closest details" hx-swap="outerHTML"><a href="{url}">{label}'
                    "</a></div>")


def test_a_form_drawn_at_once_and_a_page_of_its_own_without_javascript():
    html = _render('{% drawn_when_opened "book-form-slot" "cases:book" 3 label '
                   'page="cases:appointment_new" at_once=True %}', label="<b>Book</b>")
    assert f'hx-get="{reverse("cases:book", args=[3])}" hx-trigger="load"' in html
    assert f'<a href="{reverse("cases:appointment_new", args=[3])}">' in html
    assert "&lt;b&gt;Book&lt;/b&gt;" in html and "<b>" not in html
