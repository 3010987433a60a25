"""The form renderer (``FORM_RENDERER``): Django's form templates through the project's
(``TemplatesSetting``), except the select, written here in Python.

A select of a region's 251 communes took the template engine 5.5 ms to write, one option
after the other, on every registry search; this writes the same HTML, byte for byte (a test
compares the two with the project's template, ``django/forms/widgets/select.html``, which
stays as the reference).
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"


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


class Renderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            return render_select(context["widget"])
        return super().render(template_name, context, request)
