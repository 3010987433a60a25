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


class Inputs(forms.Form):
    required_css_class = "required"

    text = forms.CharField(label=HOSTILE, initial=HOSTILE, help_text=_("Sex"),
                           widget=forms.TextInput(attrs={"dir": "ltr", "title": HOSTILE,
                                                         "autofocus": True, "hidden": False}))
    lazy = forms.CharField(label=_("Female"), required=False, max_length=20)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial=HOSTILE,
                           required=False)
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField(required=False, initial=True)
    number = forms.IntegerField(initial=3, min_value=0)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial=HOSTILE, required=False)
    safe_label = forms.CharField(label=mark_safe("<b>bold</b>"), required=False,
                                 disabled=True)


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("data", [None, {
    "text": HOSTILE, "note": "", "agree": "on", "number": "x", "day": "2020-01-31",
    "email": HOSTILE, "secret": HOSTILE, "hidden": "", "safe_label": "1"}])
def test_the_python_labels_inputs_and_text_areas_are_the_templates_html(language, data):
    with translation.override(language):
        ours, theirs = Inputs(data, renderer=Renderer()), Inputs(data,
                                                                 renderer=TemplatesSetting())
        for name in Inputs.base_fields:
            assert str(ours[name]) == str(theirs[name]), name
            assert ours[name].label_tag() == theirs[name].label_tag(), name
            assert ours[name].label_tag(attrs={"class": "x"}, label_suffix=" :") == \
                theirs[name].label_tag(attrs={"class": "x"}, label_suffix=" :"), name
        assert ours.as_div() == theirs.as_div()
        assert "<script>" not in ours.as_div()
    # a form without ids writes bare labels
    bare = Inputs(auto_id=False, renderer=Renderer())
    assert bare["lazy"].label_tag() == Inputs(
        auto_id=False, renderer=TemplatesSetting())["lazy"].label_tag()
