from __future__ import annotations

from datetime import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts.forms import StaffChoiceField
from jisr.cases import selectors
from jisr.cases.models import (
    Channel,
    CloseReason,
    RestrictionCategory,
    Satisfaction,
    Stage,
    Urgency,
)
from jisr.cases.questionnaires import NeedDomain, Question
from jisr.network.models import Centre
from jisr.registry.models import Consent


def _parse_slot(value: str, workers: QuerySet) -> dict | None:
    """"<worker id>|<YYYY-MM-DDTHH:MM>" → {"worker", "start"} (None for no slot); the worker
    is read from ``workers`` (the centre's), not a list of them all."""
    if not value:
        return None
    worker_id, _sep, when = value.partition("|")
    worker = workers.filter(pk=worker_id).first() if worker_id.isdigit() else None
    try:
        start = timezone.make_aware(datetime.strptime(when, "%Y-%m-%dT%H:%M"))
    except ValueError:
        start = None
    if worker is None or start is None:
        raise forms.ValidationError(_("Choose a slot from the list."))
    return {"worker": worker, "start": start}


class SlotChoiceField(forms.ChoiceField):
    """The free slots offered when the page was drawn; a slot taken since is not refused
    here but by the booking service, which says who took it."""

    def valid_value(self, value) -> bool:
        return True


class ReceptionForm(forms.Form):
    consent_method = forms.ChoiceField(
        label=_("Consent to the follow-up of the case: how it was given"),
        choices=[("", "—"), *Consent.Method.choices], required=False)
    witness_name = forms.CharField(label=_("Witness (oral consent)"), max_length=200,
                                   required=False)
    sms_consent = forms.BooleanField(label=_("The person agrees to be contacted by SMS"),
                                     required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                initial=Channel.WALK_IN)
    request = forms.CharField(label=_("Request, in the person's words"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    assigned_to = StaffChoiceField(label=_("Assigned worker"), queryset=None, required=False)
    restricted = forms.BooleanField(label=_("Restricted case"), required=False, help_text=_(
        "Violence, child protection or health: only the assigned worker and the centre's "
        "manager will see it."))
    restriction_category = forms.ChoiceField(
        label=_("Restriction"), choices=[("", "—"), *RestrictionCategory.choices],
        required=False)
    slot = SlotChoiceField(label=_("Listening interview"), required=False)
    send_sms = forms.BooleanField(label=_("Send the confirmation by SMS"), required=False)

    def __init__(self, *args, user, person, needs_consent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = selectors.listening_workers(centre_id=user.centre_id)
        self.fields["assigned_to"].queryset = self.workers
        self.fields["slot"].choices = [("", _("Book later"))] + [
            (s.value, s.label) for s in selectors.free_slots(centre_id=user.centre_id)]
        self.needs_consent = needs_consent
        if needs_consent:
            self.fields["consent_method"].required = True
            self.fields["consent_method"].choices = Consent.Method.choices
        self.fields["request"].widget.attrs["dir"] = "auto"

    def clean_slot(self):
        value = self.cleaned_data.get("slot") or ""
        return _parse_slot(value, self.workers)

    def clean(self):
        data = super().clean()
        if data.get("sms_consent") and not data.get("consent_method"):
            self.add_error("consent_method", _("Say how the consent was given."))
        if data.get("slot") and not data.get("assigned_to"):
            data["assigned_to"] = data["slot"]["worker"]
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"consent_method": data["consent_method"], "witness_name": data["witness_name"],
                "sms_consent": data["sms_consent"], "appointment": data["slot"],
                "send_sms": data["send_sms"],
                "case": {key: data[key] for key in (
                    "channel", "request", "urgency", "assigned_to", "restricted",
                    "restriction_category")}}


class AppointmentForm(forms.Form):
    slot = SlotChoiceField(label=_("Slot"))

    def __init__(self, *args, centre_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = selectors.listening_workers(centre_id=centre_id)
        if not self.is_bound:  # a sent slot is checked by the booking service, not the list
            self.fields["slot"].choices = [
                (s.value, s.label) for s in selectors.free_slots(centre_id=centre_id)]

    def clean_slot(self):
        return _parse_slot(self.cleaned_data.get("slot") or "", self.workers)


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(choices=[(s, s.label) for s in (
        Stage.LISTENED, Stage.ORIENTED, Stage.IN_PATHWAY, Stage.FOLLOW_UP)])
    expected_stage = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices)
    note = forms.CharField(label=_("Explanation"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction of the person (if asked)"), required=False, coerce=int,
        empty_value=None, choices=[("", "—"), *Satisfaction.choices])
    expected_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    worker = StaffChoiceField(label=_("Assigned worker"), queryset=None)

    def __init__(self, *args, centre_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = selectors.listening_workers(centre_id=centre_id)


class RestrictForm(forms.Form):
    restricted = forms.BooleanField(label=_("Restricted case"), required=False)
    category = forms.ChoiceField(label=_("Restriction"),
                                 choices=[("", "—"), *RestrictionCategory.choices],
                                 required=False)


class TransferForm(forms.Form):
    to_centre = forms.ModelChoiceField(label=_("To centre"), queryset=Centre.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the option shows: the case page draws this list of the network's centres
        # on every view.
        self.fields["to_centre"].queryset = Centre.objects.exclude(pk=case.lead_centre_id) \
            .exclude(status=Centre.Status.CLOSED).only("pk", "code", "name_ar", "name_fr") \
            .order_by("code")


class TransferAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline")),
                                          ("cancel", _("Withdraw"))])
    note = forms.CharField(label=_("Answer"), max_length=2000, required=False)


# --- builder -----------------------------------------------------------------------------

class QuestionnaireForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)


class VersionNewForm(forms.Form):
    from_number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class SectionForm(forms.Form):
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=200)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    restricted = forms.BooleanField(label=_("Restricted section"), required=False, help_text=_(
        "Its answers and points are seen only by the case's assigned worker and the "
        "centre's manager."))
    restriction_category = forms.ChoiceField(
        label=_("Restriction"), required=False,
        choices=[("", "—"), *RestrictionCategory.choices])


class SectionRestrictionForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=None)
    restricted = forms.BooleanField(label=_("Restricted section"), required=False)
    restriction_category = forms.ChoiceField(
        label=_("Restriction"), required=False,
        choices=[("", "—"), *RestrictionCategory.choices])

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()


def _version_questions(version, **filters):
    return Question.objects.filter(version=version, **filters).order_by(
        "section__order", "section__pk", "order", "pk")


class _QuestionField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.label}"


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=None)
    code = forms.SlugField(label=_("Code"), max_length=50)
    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    label_ar = forms.CharField(label=_("Question (Arabic)"), max_length=300)
    label_fr = forms.CharField(label=_("Question (French)"), max_length=300)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    condition_question = _QuestionField(label=_("Shown only when this question…"),
                                        queryset=None, required=False)
    condition_values = forms.CharField(
        label=_("…has one of these answers (codes, separated by commas)"), max_length=300,
        required=False)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()
        self.fields["condition_question"].queryset = _version_questions(
            version, kind__in=Question.WITH_OPTIONS)

    def clean_condition_values(self):
        raw = self.cleaned_data.get("condition_values") or ""
        return [v.strip() for v in raw.split(",") if v.strip()]


class OptionForm(forms.Form):
    question = _QuestionField(label=_("Question"), queryset=None)
    code = forms.SlugField(label=_("Code"), max_length=50)
    label_ar = forms.CharField(label=_("Answer (Arabic)"), max_length=200)
    label_fr = forms.CharField(label=_("Answer (French)"), max_length=200)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = _version_questions(
            version, kind__in=(Question.Kind.CHOICE, Question.Kind.MULTIPLE))


class RuleForm(forms.Form):
    question = _QuestionField(label=_("Question"), queryset=None)
    option = forms.SlugField(label=_("When the answer is (code)"), max_length=50,
                             required=False)
    min_value = forms.DecimalField(label=_("or a number from"), required=False,
                                   max_digits=12, decimal_places=2)
    max_value = forms.DecimalField(label=_("to"), required=False, max_digits=12,
                                   decimal_places=2)
    domain = forms.ChoiceField(label=_("Need domain"), choices=NeedDomain.choices)
    points = forms.IntegerField(label=_("Points"), min_value=-20, max_value=20)
    explanation_ar = forms.CharField(label=_("Explanation (Arabic)"), max_length=300)
    explanation_fr = forms.CharField(label=_("Explanation (French)"), max_length=300)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = _version_questions(
            version, kind__in=(*Question.WITH_OPTIONS, Question.Kind.NUMBER))

    def clean(self):
        data = super().clean()
        question, code = data.get("question"), data.get("option")
        data["option"] = None
        if question is not None and code:
            data["option"] = question.options.filter(code=code).first()
            if data["option"] is None:
                self.add_error("option", _("This question has no answer with this code."))
        return data


class RemoveForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in ("section", "question", "option",
                                                       "rule")])
    item = forms.IntegerField(min_value=1)
