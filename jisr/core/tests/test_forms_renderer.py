"""The select written in Python (jisr.core.forms_renderer) is the template's HTML, byte for
byte: plain, grouped, multiple, disabled and required selects, hostile labels and values,
lazy (translated) labels, in Arabic and French."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from jisr.core.forms_renderer import SELECT, Renderer, render_select

HOSTILE = '<script>alert("x")</script> & \'quote\''


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "Alpha"), ("b", HOSTILE)])
    grouped = forms.ChoiceField(choices=[
        ("", "—"),
        (_("Sex"), [("f", _("Female")), ("m", _("Male"))]),
        ("Other <group>", [(1, "one"), (2, mark_safe("<b>two</b>"))]),
    ], required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ('"y"', "Y & Z")], required=False)
    off = forms.ChoiceField(choices=[("1", "One")], disabled=True, required=False,
                            widget=forms.Select(attrs={"dir": "ltr", "data-x": HOSTILE,
                                                       "autofocus": True, "hidden": False}))
    yes_no = forms.NullBooleanField(required=False)


def _both(form, name):
    widget = form[name].field.widget
    bound = form[name]
    context = widget.get_context(bound.html_name, bound.value(), bound.build_widget_attrs(
        {"id": bound.auto_id}))
    by_template = TemplatesSetting().render(SELECT, context)
    return render_select(context["widget"]), by_template


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("data", [None, {"plain": "b", "grouped": "2", "many": ["x", '"y"'],
                                         "off": "1", "yes_no": "true"}])
@pytest.mark.parametrize("name", ["plain", "grouped", "many", "off", "yes_no"])
def test_the_python_select_is_the_templates_html(language, data, name):
    with translation.override(language):
        ours, theirs = _both(Sample(data), name)
    assert ours == theirs
    assert "<script>" not in ours


def test_the_projects_forms_use_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)
    html = str(Sample()["plain"])
    assert html.startswith('<select name="plain"') and "&lt;script&gt;" in html
