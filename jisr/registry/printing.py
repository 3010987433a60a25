"""Printed documents of the registry: the consent form a person signs or thumbprints.

The form is printed in Arabic or French (``?lang=ar|fr``), lists every purpose of
:class:`jisr.registry.models.Consent.Purpose` with the ones asked for (``?purpose=…``, any
number of times or comma-separated) ticked, and the law 09-08 notice. Only those who see the
person (jisr.accounts.policy.persons_for) may print it; each printing is an audited read,
since the paper carries the person's identity.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.core import audit
from jisr.core.exceptions import ValidationFailed
from jisr.core.pdf import PDF_LANGUAGES, pdf_response, render_pdf
from jisr.core.views import permission_required
from jisr.registry import selectors
from jisr.registry.models import Consent

# What each purpose means, in the words read out to the person.
PURPOSE_EXPLANATIONS = {
    Consent.Purpose.CASE_FOLLOW_UP: _(
        "The centre records my situation and my requests in order to receive me, listen to "
        "me, orient me and follow my pathway."),
    Consent.Purpose.PARTNER_SHARING: _(
        "The centre may share what is needed, and only that, with the partner organisation "
        "or service I am referred to."),
    Consent.Purpose.SMS_CONTACT: _(
        "The centre may send me SMS messages (appointment reminders, news of my request) at "
        "the phone number I gave."),
    Consent.Purpose.STATISTICS: _(
        "My data may be used without my name for the statistics of the network, which "
        "identify no one."),
}


class ConsentFormOptions(forms.Form):
    lang = forms.ChoiceField(choices=[(code, code) for code in PDF_LANGUAGES], required=False,
                             error_messages={"invalid_choice": _(
                                 "The consent form is printed in Arabic (ar) or French (fr).")})
    purpose = forms.MultipleChoiceField(choices=Consent.Purpose.choices, required=False,
                                        error_messages={"invalid_choice": _(
                                            "“%(value)s” is not a purpose of consent.")})

    def __init__(self, query):
        data = {"lang": query.get("lang", ""),
                "purpose": [p.strip() for value in query.getlist("purpose")
                            for p in value.split(",") if p.strip()]}
        super().__init__(data)


def _options(request) -> tuple[str, set[str]]:
    form = ConsentFormOptions(request.GET)
    if not form.is_valid():
        raise ValidationFailed(" ".join(str(m) for ms in form.errors.values() for m in ms),
                               fields=form.errors)
    language = form.cleaned_data["lang"] or translation.get_language()
    return (language if language in PDF_LANGUAGES else "ar"), set(form.cleaned_data["purpose"])


@permission_required("registry.view_persons")
def consent_form(request, person_id: int):
    person = selectors.person_detail(user=request.user, person_id=person_id)
    language, chosen = _options(request)
    centre = request.user.centre if request.user.centre_id else person.registered_at
    reference = f"CF-{person.pk}-{timezone.localdate():%Y%m%d}"
    audit.record_read(actor=request.user, obj=person,
                      action="registry.person.consent_form.print")
    purposes = [{"value": value, "label": label, "chosen": value in chosen,
                 "explanation": PURPOSE_EXPLANATIONS[value]}
                for value, label in Consent.Purpose.choices]
    pdf = render_pdf("registry/pdf/consent_form.html", {
        "person": person, "documents": list(person.documents.all()), "purposes": purposes,
        "staff": request.user}, language=language, reference=reference,
        title=_("Consent form"), centre=centre)
    return pdf_response(pdf, filename=f"consent-form-{person.pk}-{language}.pdf")
