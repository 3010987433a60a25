from __future__ import annotations

import re

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import ScopeKind
from jisr.registry import identifiers
from jisr.registry.models import (
    Consent,
    DisabilityType,
    HouseholdMembership,
    IdentityDocument,
    Language,
    Person,
    Phone,
    ProtectionCategory,
    Sex,
    Vulnerability,
)
from jisr.territory.models import Commune

_ARABIC = re.compile("[\u0600-\u06ff]")


def communes_for_picker(user):
    """Communes of the user's region, those of their centre's province first: where almost
    everyone a centre receives lives, without a 1,500-line list."""
    qs = Commune.objects.select_related("province")
    if user.scope_kind != ScopeKind.CENTRE or user.centre_id is None:
        return qs.none()
    province = user.centre.commune.province
    # Only what an option shows: the picker is drawn on every registry search.
    return qs.filter(province__region_id=province.region_id).only(
        "pk", "name_ar", "name_fr", "province_id", "province__name_ar", "province__name_fr"
    ).annotate(
        near=Case(When(province_id=province.pk, then=Value(0)), default=Value(1),
                  output_field=IntegerField())).order_by("near", "province__code", "name_fr")


class _CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.province.name})"


class PersonSearchForm(forms.Form):
    name = forms.CharField(label=_("Name (Arabic or Latin script)"), max_length=200,
                           required=False)
    identifier = forms.CharField(label=_("CIN or other document number"), max_length=40,
                                 required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900,
                                    max_value=2100)
    commune = _CommuneField(label=_("Commune"), queryset=Commune.objects.none(),
                            required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for_picker(user)
        for name in ("identifier", "phone", "birth_year"):
            self.fields[name].widget.attrs["dir"] = "ltr"


def _multiple(choices, label):
    return forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


class PersonForm(forms.ModelForm):
    languages = _multiple(Language.choices, _("Languages spoken"))
    vulnerabilities = _multiple(Vulnerability.choices, _("Vulnerability categories"))

    class Meta:
        model = Person
        fields = [*Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "birth_approximate",
                  "languages", "commune", "address", "vulnerabilities"]
        field_classes = {"commune": _CommuneField}
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for_picker(user)
        for name in Person.NAME_FIELDS:
            self.fields[name].widget.attrs.update(
                {"dir": "rtl", "lang": "ar"} if name.endswith("_ar") else
                {"dir": "ltr", "lang": "fr"})

    def _post_clean(self):
        # The service validates the model (and reports it on this form): construction of the
        # instance only, not a second full_clean here.
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PersonCreateForm(PersonForm):
    """Registration: the person, plus a first identity document and phone."""

    document_kind = forms.ChoiceField(label=_("Identity document"),
                                      choices=IdentityDocument.Kind.choices)
    document_number = forms.CharField(label=_("Document number"), max_length=40,
                                      required=False)
    document_country = forms.CharField(label=_("Issuing country"), max_length=2,
                                       required=False)
    none_reason = forms.ChoiceField(label=_("Why there is no document"), required=False,
                                    choices=[("", "—"), *IdentityDocument.NoneReason.choices])
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    phone_kind = forms.ChoiceField(label=_("Type of phone"), choices=Phone.Kind.choices,
                                   required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("document_number", "document_country", "phone"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def rename_errors(self, call):
        """The service names the lists (documents, phones); this form has single fields."""
        from jisr.core.exceptions import ValidationFailed

        try:
            return call()
        except ValidationFailed as exc:
            names = {"documents": "document_number", "phones": "phone"}
            exc.fields = {names.get(k, k): v for k, v in exc.fields.items()}
            raise

    def documents(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kind": data["document_kind"], "number": data.get("document_number", ""),
                 "country": data.get("document_country", ""),
                 "none_reason": data.get("none_reason", "")}]

    def phones(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("phone"):
            return []
        return [{"number": data["phone"], "kind": data.get("phone_kind") or Phone.Kind.MOBILE}]


def initial_from_search(data: dict) -> dict:
    """What reception typed in the search, carried into the registration form."""
    initial = {}
    words = (data.get("name") or "").split()
    if words:
        script = "ar" if _ARABIC.search(" ".join(words)) else "lat"
        initial[f"first_name_{script}"] = words[0]
        if len(words) > 1:
            initial[f"family_name_{script}"] = " ".join(words[1:])
    identifier = data.get("identifier") or ""
    if identifier:
        initial["document_number"] = identifier
        if identifiers.CIN.match(identifiers.compact(identifier)):
            initial["document_kind"] = IdentityDocument.Kind.CIN
    for name in ("phone", "birth_date", "birth_year"):
        if data.get(name):
            initial[name] = data[name]
    if data.get("commune"):
        initial["commune"] = data["commune"]
    return initial


class DocumentForm(forms.ModelForm):
    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "country", "none_reason"]

    def _post_clean(self):
        pass


class PhoneForm(forms.ModelForm):
    class Meta:
        model = Phone
        fields = ["number", "kind", "note"]
        widgets = {"number": forms.TextInput(attrs={"dir": "ltr"})}

    def _post_clean(self):
        pass


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "method", "witness_name"]

    def _post_clean(self):
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need this record now?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}), help_text=_(
                                 "Required. Sent to the manager of the centre that follows "
                                 "the person, and kept in the audit trail."))


class SensitiveForm(forms.Form):
    disability_types = _multiple(DisabilityType.choices, _("Types of disability"))
    disability_details = forms.CharField(label=_("Disability details"), required=False,
                                         max_length=5000, widget=forms.Textarea(
                                             attrs={"rows": 3}))
    health_details = forms.CharField(label=_("Health details"), required=False,
                                     max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    protection_categories = _multiple(ProtectionCategory.choices, _("Protection categories"))


class HouseholdForm(forms.Form):
    commune = _CommuneField(label=_("Commune"), queryset=Commune.objects.none(),
                            required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for_picker(user)


class HouseholdJoinForm(forms.Form):
    household = forms.IntegerField(label=_("Household number"), min_value=1,
                                   widget=forms.NumberInput(attrs={"dir": "ltr"}))
    relationship = forms.ChoiceField(label=_("Relationship to the head"),
                                     choices=HouseholdMembership.Relationship.choices)
    date = forms.DateField(label=_("Since"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))


class DuplicateDraftForm(forms.Form):
    """The identity fields of a registration being typed, all optional: whatever is readable
    so far is checked against the registry (registry/duplicates.py)."""

    first_name_ar = forms.CharField(max_length=100, required=False)
    family_name_ar = forms.CharField(max_length=100, required=False)
    father_name_ar = forms.CharField(max_length=100, required=False)
    mother_name_ar = forms.CharField(max_length=100, required=False)
    first_name_lat = forms.CharField(max_length=100, required=False)
    family_name_lat = forms.CharField(max_length=100, required=False)
    father_name_lat = forms.CharField(max_length=100, required=False)
    mother_name_lat = forms.CharField(max_length=100, required=False)
    sex = forms.ChoiceField(choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(required=False)
    birth_year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    commune = forms.ModelChoiceField(queryset=Commune.objects.all(), required=False)
    address = forms.CharField(max_length=300, required=False)
    document_kind = forms.ChoiceField(choices=[("", "—"), *IdentityDocument.Kind.choices],
                                      required=False)
    document_number = forms.CharField(max_length=40, required=False)
    phone = forms.CharField(max_length=40, required=False)

    def draft(self) -> dict:
        """The fields read so far; an unreadable one (a half-typed date) is left out."""
        self.is_valid()
        return dict(self.cleaned_data)


# --- duplicate review and merge ----------------------------------------------------------

class PairDecisionForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


_CHOICE_LABELS = {
    "sex": _("Sex"), "birth": _("Date of birth"), "commune": _("Commune"),
    "address": _("Address"), "languages": _("Languages"),
    "vulnerabilities": _("Vulnerability"),
}


def choice_label(choice: str):
    return _CHOICE_LABELS.get(choice) or Person._meta.get_field(choice).verbose_name


def side_value(side, choice: str) -> str | None:
    """What a record holds for one merge choice, as shown to the reviewer; None when the
    reviewer may not see it (a detail of a record outside their scope)."""
    from jisr.registry.merging import IDENTITY_CHOICES

    person = side.person
    if person is None:
        card = side.card
        if choice not in IDENTITY_CHOICES:
            return None
        return {"sex": card.sex_label, "birth": card.birth,
                "commune": str(card.commune or "")}.get(choice) or getattr(card, choice, "")
    if choice == "sex":
        return person.get_sex_display()
    if choice == "birth":
        return person.birth_display
    if choice == "commune":
        return str(person.commune or "")
    if choice == "languages":
        return ", ".join(map(str, person.language_labels))
    if choice == "vulnerabilities":
        return ", ".join(map(str, person.vulnerability_labels))
    return getattr(person, choice)


class MergeForm(forms.Form):
    """Field by field, which record's value the merged person keeps, and which record
    (number) survives. Rows the reviewer may not see on both sides are not offered."""

    A, B = "a", "b"

    def __init__(self, *args, side_a, side_b, **kwargs):
        from jisr.registry.merging import CHOICES

        super().__init__(*args, **kwargs)
        self.side_a, self.side_b = side_a, side_b
        self.rows = []
        self.fields["keep"] = forms.ChoiceField(
            label=_("Record to keep"), widget=forms.RadioSelect, initial=self.A,
            choices=[(self.A, _("Record no. %(n)s") % {"n": side_a.person_id}),
                     (self.B, _("Record no. %(n)s") % {"n": side_b.person_id})],
            help_text=_("The other record is hidden and everything linked to it moves to "
                        "the one kept. The merge can be undone."))
        for choice in CHOICES:
            a, b = side_value(side_a, choice), side_value(side_b, choice)
            row = {"name": choice, "label": choice_label(choice), "a": a, "b": b,
                   "same": a == b}
            if a is not None and b is not None and a != b:
                self.fields[choice] = forms.ChoiceField(
                    label=row["label"], widget=forms.RadioSelect,
                    choices=[(self.A, a or "—"), (self.B, b or "—")],
                    initial=self.A if a or not b else self.B)
                row["field"] = choice
            self.rows.append(row)
        self.fields["note"] = forms.CharField(label=_("Note (optional)"), max_length=2000,
                                              required=False,
                                              widget=forms.Textarea(attrs={"rows": 2}))

    def bound_rows(self):
        return [{**row, "bound": self[row["field"]]} if row.get("field") else row
                for row in self.rows]

    def merge_arguments(self) -> dict:
        """The service's arguments: survivor, absorbed and the choices in their terms."""
        keep_a = self.cleaned_data["keep"] == self.A
        survivor, absorbed = (self.side_a, self.side_b) if keep_a else (self.side_b,
                                                                         self.side_a)
        kept_letter = self.A if keep_a else self.B
        choices = {}
        for row in self.rows:
            if row.get("field"):
                picked = self.cleaned_data[row["field"]]
                choices[row["name"]] = "survivor" if picked == kept_letter else "absorbed"
        return {"survivor_id": survivor.person_id, "absorbed_id": absorbed.person_id,
                "choices": choices, "note": self.cleaned_data.get("note", "")}
