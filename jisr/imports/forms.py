from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jisr.imports.fields import FIELDS, IGNORE
from jisr.imports.models import ImportIssue

ENCODINGS = [("", _("Recognise it")), ("utf-8", "UTF-8"), ("cp1256", "Windows-1256 (arabe)"),
             ("cp1252", "Windows-1252"), ("latin-1", "Latin-1 (ISO-8859-1)"),
             ("utf-16", "UTF-16")]


def field_choices():
    return [(IGNORE, _("— not imported —")), *FIELDS]


class StartForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), required=False, help_text=_(
        "The association or list the file comes from: its column mapping is remembered."))
    new_source = forms.CharField(label=_("or a new source"), max_length=120, required=False)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=ENCODINGS,
                                 required=False)
    dry_run = forms.BooleanField(label=_("Dry run: check everything, register no one"),
                                 required=False, initial=True)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *((s.name, s.name) for s in sources)]
        self.fields["file"].help_text = _("At most %(size)s MB.") % {
            "size": settings.JISR_IMPORT_MAX_MB}

    def clean(self):
        data = super().clean()
        name = (data.get("new_source") or "").strip() or data.get("source") or ""
        if not name:
            self.add_error("new_source", _("Choose a source or name a new one."))
        data["source_name"] = name
        upload = data.get("file")
        if upload is not None and upload.size > settings.JISR_IMPORT_MAX_MB * 1024 * 1024:
            self.add_error("file", _("The file is too large: at most %(max)s MB.") % {
                "max": settings.JISR_IMPORT_MAX_MB})
        return data


class MappingForm(forms.Form):
    """One choice per column header of the file (or of the source's saved mapping)."""

    def __init__(self, *args, headers: list[str], mapping: dict, extra: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        for i, header in enumerate(self.headers):
            self.fields[f"column_{i}"] = forms.ChoiceField(
                label=header, choices=field_choices(), required=False,
                initial=mapping.get(header, IGNORE))
        for j in range(extra):
            self.fields[f"new_header_{j}"] = forms.CharField(
                label=_("Another column header"), max_length=200, required=False)
            self.fields[f"new_field_{j}"] = forms.ChoiceField(
                label=_("is imported as"), choices=field_choices(), required=False)
        self.extra = extra

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        mapping = {h: data.get(f"column_{i}") or IGNORE for i, h in enumerate(self.headers)}
        for j in range(self.extra):
            header = " ".join((data.get(f"new_header_{j}") or "").split())
            if header:
                mapping[header] = data.get(f"new_field_{j}") or IGNORE
        return mapping

    def column_fields(self):
        return [self[f"column_{i}"] for i in range(len(self.headers))]

    def extra_fields(self):
        return [(self[f"new_header_{j}"], self[f"new_field_{j}"]) for j in range(self.extra)]


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class ReportFilterForm(forms.Form):
    severity = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("Every line")), *ImportIssue.Severity.choices])
