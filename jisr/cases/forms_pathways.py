"""Forms of the pathway builder, of a case's plans and of its follow-ups. They parse input
only; the rules are the services' (pathway_services.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jisr.accounts.forms import StaffChoiceField
from jisr.accounts.roles import Role
from jisr.cases.pathways import (
    MAX_STEP_DAYS,
    OWNER_ROLE_CHOICES,
    FollowUp,
    PlanOutcome,
    validate_outcome_choices,
)
from jisr.cases.services import LISTENING_ROLES
from jisr.network.models import Service

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ServiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OutcomeChoicesField(forms.CharField):
    """One answer a line: ``code | Arabic | French``; empty means a written outcome."""

    widget = forms.Textarea(attrs={"rows": 3, "dir": "auto"})

    def to_python(self, value):
        text = super().to_python(value) or ""
        items = []
        for line in text.splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                raise ValidationError(_("Write each answer on its own line as: code | Arabic "
                                        "| French."), code="outcome_choices")
            items.append({"code": parts[0], "ar": parts[1], "fr": parts[2]})
        validate_outcome_choices(items)
        return items

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{c['code']} | {c['ar']} | {c['fr']}" for c in value)
        return value


def _text(label, max_length=200, **kwargs):
    return forms.CharField(label=label, max_length=max_length, **kwargs)


class TemplateForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_ar = _text(_("Name (Arabic)"), widget=forms.TextInput(attrs={"dir": "rtl",
                                                                      "lang": "ar"}))
    name_fr = _text(_("Name (French)"), widget=forms.TextInput(attrs={"dir": "ltr",
                                                                      "lang": "fr"}))
    description_ar = forms.CharField(label=_("Description (Arabic)"), required=False,
                                     max_length=2000, widget=forms.Textarea(attrs={
                                         "rows": 2, "dir": "rtl", "lang": "ar"}))
    description_fr = forms.CharField(label=_("Description (French)"), required=False,
                                     max_length=2000, widget=forms.Textarea(attrs={
                                         "rows": 2, "dir": "ltr", "lang": "fr"}))


class TemplateEditForm(TemplateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class TemplateStepForm(forms.Form):
    name_ar = _text(_("Step (Arabic)"), widget=forms.TextInput(attrs={"dir": "rtl",
                                                                      "lang": "ar"}))
    name_fr = _text(_("Step (French)"), widget=forms.TextInput(attrs={"dir": "ltr",
                                                                      "lang": "fr"}))
    service = _ServiceField(label=_("Service of the catalogue"), required=False,
                            queryset=Service.objects.select_related("domain"))
    owner_role = forms.ChoiceField(label=_("Responsible"), choices=OWNER_ROLE_CHOICES,
                                   initial=Role.SOCIAL_WORKER)
    duration_days = forms.IntegerField(label=_("Duration (days)"), min_value=1,
                                       max_value=MAX_STEP_DAYS, initial=30)
    outcome_label_ar = _text(_("Outcome to record (Arabic)"), 300, widget=forms.TextInput(
        attrs={"dir": "rtl", "lang": "ar"}))
    outcome_label_fr = _text(_("Outcome to record (French)"), 300, widget=forms.TextInput(
        attrs={"dir": "ltr", "lang": "fr"}))
    outcome_choices = OutcomeChoicesField(
        label=_("Answers to choose"), required=False, max_length=4000,
        help_text=_("One a line: code | Arabic | French. Empty: the outcome is written."))


class PositionForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=1000)


def owner_queryset(user, case):
    """Staff of the case's centre (a partner's step waits for the partner's answer)."""
    from jisr.accounts.models import User

    return User.objects.filter(centre_id=case.lead_centre_id, is_active=True).order_by(
        "last_name", "pk")


class PlanCreateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Pathway"), queryset=None)
    started_on = forms.DateField(label=_("Start"), required=False, widget=DATE)
    expected_stage = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda t: t.name


class StepCompleteForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StepSkipForm(forms.Form):
    reason = forms.CharField(label=_("Why is it skipped?"), max_length=2000)


class StepEditForm(forms.Form):
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_queryset(user, case)


class PlanStepAddForm(forms.Form):
    name_ar = TemplateStepForm.base_fields["name_ar"]
    name_fr = TemplateStepForm.base_fields["name_fr"]
    service = TemplateStepForm.base_fields["service"]
    owner_role = TemplateStepForm.base_fields["owner_role"]
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    outcome_label_ar = TemplateStepForm.base_fields["outcome_label_ar"]
    outcome_label_fr = TemplateStepForm.base_fields["outcome_label_fr"]
    outcome_choices = TemplateStepForm.base_fields["outcome_choices"]

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_queryset(user, case)


class PlanFinishForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the pathway"),
                                choices=PlanOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUp.Kind.choices)
    due_date = forms.DateField(label=_("Date"), widget=DATE)
    worker = StaffChoiceField(label=_("Who"), queryset=None)
    plan = forms.ModelChoiceField(label=_("Pathway"), queryset=None, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)

    def __init__(self, *args, case, plans, **kwargs):
        from jisr.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = User.objects.filter(
            centre_id=case.lead_centre_id, is_active=True, role__in=LISTENING_ROLES
        ).order_by("last_name", "pk")
        self.fields["worker"].initial = case.assigned_to_id
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: p.name


class FollowUpRecordForm(forms.Form):
    status = forms.ChoiceField(label=_("Did it take place?"), choices=[
        (FollowUp.Status.DONE, FollowUp.Status.DONE.label),
        (FollowUp.Status.MISSED, FollowUp.Status.MISSED.label)])
    note = forms.CharField(label=_("What came of it"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
