"""Forms of the appointments calendar, notes, documents and the caseload handover. They only
parse input; the rules are in calendar.py and casework_services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.cases import selectors
from jisr.cases.casework import CaseDocument
from jisr.cases.models import Appointment

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class _WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _start_field():
    return forms.DateTimeField(
        label=_("Date and time"), input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Choose a time to come."),
                        "invalid": _("Enter a date and time (YYYY-MM-DD HH:MM).")})


class CalendarFilterForm(forms.Form):
    view = forms.ChoiceField(choices=[("week", _("Week")), ("day", _("Day"))], required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    worker = forms.IntegerField(required=False, min_value=1)


class BookingForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Type of appointment"), choices=Appointment.Purpose.choices,
                                initial=Appointment.Purpose.FOLLOW_UP)
    worker = _WorkerChoice(label=_("With"), queryset=None, error_messages={
        "required": _("Choose who will receive the person."),
        "invalid_choice": _("Choose who will receive the person.")})
    start = _start_field()
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10,
                                          max_value=240, initial=45)

    def __init__(self, *args, centre_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = selectors.listening_workers(centre_id=centre_id)


class RescheduleForm(forms.Form):
    worker = _WorkerChoice(label=_("With"), queryset=None, error_messages={
        "required": _("Choose who will receive the person."),
        "invalid_choice": _("Choose who will receive the person.")})
    start = _start_field()
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10,
                                          max_value=240)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)

    def __init__(self, *args, appointment, **kwargs):
        kwargs.setdefault("initial", {
            "worker": appointment.worker_id, "duration_minutes": appointment.duration_minutes,
            "start": timezone.localtime(appointment.start)})
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = selectors.listening_workers(
            centre_id=appointment.centre_id)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write the note.")})
    sensitive = forms.BooleanField(label=_("Sensitive (encrypted, restricted reading)"),
                                   required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of document"), choices=CaseDocument.Kind.choices,
                             error_messages={"required": _("Choose the type of document.")})
    title = forms.CharField(label=_("Description"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), error_messages={
        "required": _("Choose a file."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


class HandoverForm(forms.Form):
    to_worker = _WorkerChoice(label=_("Hand over to"), queryset=None, error_messages={
        "required": _("Choose who takes the cases over."),
        "invalid_choice": _("Choose who takes the cases over.")})
    cases = forms.MultipleChoiceField(label=_("Cases"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("None ticked: every open case."))
    reason = forms.CharField(label=_("Reason"), max_length=2000, error_messages={
        "required": _("Say why the cases are handed over (leave, departure…).")})

    def __init__(self, *args, from_worker, open_cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_worker"].queryset = selectors.listening_workers(
            centre_id=from_worker.centre_id).exclude(pk=from_worker.pk)
        self.fields["cases"].choices = [
            (str(c.pk), f"{c.reference} — {c.person.display_name}") for c in open_cases]
