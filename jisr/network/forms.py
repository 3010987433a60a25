from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.roles import Role
from jisr.network.models import (
    LANGUAGES,
    WEEKDAYS,
    Centre,
    PartnerOrganisation,
    Service,
    ServiceOffering,
)
from jisr.network.services import CENTRE_FIELDS, CENTRE_MANAGER_FIELDS
from jisr.territory.models import Commune, Province, Region


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    province = forms.ChoiceField(label=_("Province or prefecture"), required=False)
    kind = forms.ChoiceField(label=_("Type of centre"), required=False,
                             choices=[("", _("All types")), *Centre.Kind.choices])
    service = forms.ChoiceField(label=_("Service"), required=False)
    commune = forms.CharField(required=False, widget=forms.HiddenInput)
    arrondissement = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [
            (r.code, r.name) for r in Region.objects.order_by("code")]
        region = (self.data.get("region") or "") if self.is_bound else ""
        # Casablanca's prefectures of arrondissements follow the prefecture of Casablanca
        # (their codes extend its own): their centres are those of their arrondissements.
        provinces = Province.objects.filter(region__code=region).order_by("code") if region \
            else Province.objects.none()
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces]
        groups = {}
        for service in Service.objects.select_related("domain").order_by("domain__position",
                                                                          "code"):
            groups.setdefault(service.domain.name, []).append((service.code, service.name))
        self.fields["service"].choices = [("", _("All services"))] + list(groups.items())


class HoursMixin:
    """Opening hours as a time range per weekday, stored as grouped slots (see
    jisr.network.models.validate_hours)."""

    hours_field = "opening_hours"

    def add_hours_fields(self, initial: list | None) -> None:
        by_day = {}
        for slot in initial or []:
            for day in slot["days"]:
                by_day[day] = (slot["opens"], slot["closes"])
        for day, label in WEEKDAYS.items():
            opens, closes = by_day.get(day, (None, None))
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_("%(day)s: opens") % {"day": label}, required=False, initial=opens,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("%(day)s: closes") % {"day": label}, required=False,
                initial=closes, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def hours_value(self) -> list:
        slots: dict[tuple[str, str], list[int]] = {}
        for day in WEEKDAYS:
            opens = self.cleaned_data.get(f"opens_{day}")
            closes = self.cleaned_data.get(f"closes_{day}")
            if opens and closes:
                slots.setdefault((opens.strftime("%H:%M"), closes.strftime("%H:%M")),
                                 []).append(day)
            elif opens or closes:
                self.add_error(f"closes_{day}", _("Give both times, or neither."))
        return [{"days": days, "opens": o, "closes": c} for (o, c), days in slots.items()]

    def hours_rows(self):
        return [(label, self[f"opens_{day}"], self[f"closes_{day}"])
                for day, label in WEEKDAYS.items()]


def _arrondissement_label(arrondissement) -> str:
    label = f"{arrondissement.name} — {arrondissement.commune.name}"
    if arrondissement.prefecture_id:
        label += f" ({arrondissement.prefecture.name})"
    return label


class CentreForm(HoursMixin, forms.ModelForm):
    class Meta:
        model = Centre
        fields = [f for f in CENTRE_FIELDS if f != "opening_hours"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.CENTRE_MANAGER:
            for name in set(self.fields) - set(CENTRE_MANAGER_FIELDS):
                del self.fields[name]
        if "arrondissement" in self.fields:
            arrondissements = policy.arrondissements_for(user).order_by("code")
            if self.instance.pk:
                arrondissements = arrondissements.filter(commune_id=self.instance.commune_id)
            field = self.fields["arrondissement"]
            field.queryset = arrondissements
            field.label_from_instance = _arrondissement_label
            field.help_text = _("Only in a city divided into arrondissements: in Casablanca, "
                                "the coordinator of its prefecture of arrondissements "
                                "supervises the centre.")
            if not arrondissements.exists():
                del self.fields["arrondissement"]
        if "manager" in self.fields:
            self.fields["manager"].queryset = self.instance.staff.filter(
                role=Role.CENTRE_MANAGER, is_active=True) if self.instance.pk else \
                self.fields["manager"].queryset.none()
        self.add_hours_fields(self.instance.opening_hours)

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields
                if name in CENTRE_FIELDS}
        data["opening_hours"] = self.hours_value()
        return data


class CentreCreateForm(CentreForm):
    class Meta(CentreForm.Meta):
        fields = ["code", "commune", "arrondissement",
                  *(f for f in CentreForm.Meta.fields if f != "arrondissement")]

    def __init__(self, *args, user, communes, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.code})"
        self.fields.pop("manager", None)

    def changes(self) -> dict:
        data = super().changes()
        data.update(code=self.cleaned_data["code"], commune=self.cleaned_data["commune"])
        return data


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = PartnerOrganisation
        fields = ["name_ar", "name_fr", "kind", "province", "commune", "address", "description",
                  "phone", "email", "website", "contact_name", "contact_phone",
                  "contact_email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.instance.region_id
        self.fields["province"].queryset = Province.objects.filter(region_id=region)
        self.fields["commune"].queryset = Commune.objects.filter(
            province__region_id=region).order_by("code")

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class OfferingForm(HoursMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False,
                                          choices=list(LANGUAGES.items()),
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ServiceOffering
        fields = ["service", "status", "eligibility", "minimum_age", "maximum_age",
                  "languages", "capacity", "waiting_list", "response_days", "delivery_days"]
        widgets = {"eligibility": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_days"].help_text = _(
            "Counted from the acceptance of a referral; the service may agree another delay "
            "when accepting. Empty: %(days)s days.") % {
            "days": settings.JISR_REFERRAL_DELIVERY_DAYS}
        if self.instance.pk:
            del self.fields["service"]
        else:
            self.fields["service"].queryset = Service.objects.select_related("domain")
            self.fields["service"].label_from_instance = (
                lambda s: f"{s.domain.name} – {s.name}")
        self.add_hours_fields(self.instance.schedule)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        for name in list(data):
            if name.startswith(("opens_", "closes_")):
                del data[name]
        data["schedule"] = self.hours_value()
        return data

