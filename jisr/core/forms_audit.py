from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.core.models import AuditEntry


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Record"), required=False, max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *AuditEntry.Kind.choices])
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
