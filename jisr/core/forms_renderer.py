"""The form renderer (``FORM_RENDERER``): Django's form templates through the project's
(``TemplatesSetting``), except the select, the label, the inputs and the text area,
written here in Python.

A select of a region's 251 communes took the template engine 5.5 ms to write, one option
after the other, on every registry search; each label and input is a template rendered
of its own (the case page's forms draw twenty: 3 ms of its 20 ms of CPU). This writes the
same HTML, byte for byte (tests compare the two with Django's templates and the
project's, ``django/forms/widgets/select.html``, which stay as the reference); any other
widget goes through its template.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
LABEL = "django/forms/label.html"
TEXTAREA = "django/forms/widgets/textarea.html"
# The widgets whose template is ``input.html`` and nothing else
INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "email", "number", "password", "hidden", "date", "datetime", "time",
    "url", "search", "tel", "color", "checkbox"))


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: ``name="value"``, a bare name for True, nothing
    for False."""
    return "".join(
        f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False)


def render_select(widget: dict) -> str:
    """The select, its option groups and options, as ``select.html`` writes them."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                         f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}'
                         f"</option>")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_label(context: dict) -> str:
    """``django/forms/label.html``: the label, in its tag when the field has an id."""
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>"


def render_input(widget: dict) -> str:
    """``django/forms/widgets/input.html``."""
    value = "" if widget["value"] is None else \
        f' value="{conditional_escape(str(widget["value"]))}"'
    return (f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>')


def render_textarea(widget: dict) -> str:
    """``django/forms/widgets/textarea.html``."""
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (f'<textarea name="{conditional_escape(widget["name"])}"'
            f'{_attrs(widget["attrs"])}>\n{value}</textarea>')


class Renderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            return render_select(context["widget"])
        if template_name == LABEL:
            return render_label(context)
        if template_name in INPUTS:
            return render_input(context["widget"])
        if template_name == TEXTAREA:
            return render_textarea(context["widget"])
        return super().render(template_name, context, request)
