from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.registry.models import Sex, Vulnerability
from jisr.reports.models import AgeGroup
from jisr.reports.selectors import KpiFilters

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class KpiFilterForm(forms.Form):
    month_from = forms.RegexField(label=_("From (month)"), regex=MONTH, required=False,
                                  error_messages={"invalid": _("Give a month as YYYY-MM.")},
                                  widget=forms.TextInput(attrs={"type": "month"}))
    month_to = forms.RegexField(label=_("To (month)"), regex=MONTH, required=False,
                                error_messages={"invalid": _("Give a month as YYYY-MM.")},
                                widget=forms.TextInput(attrs={"type": "month"}))
    sex = forms.ChoiceField(label=_("Sex"), required=False,
                            choices=[("", _("All"))] + list(Sex.choices))
    age_group = forms.ChoiceField(label=_("Age group"), required=False,
                                  choices=[("", _("All ages"))] + list(AgeGroup.choices))
    category = forms.ChoiceField(label=_("Vulnerability category"), required=False,
                                 choices=[("", _("All persons"))] + list(Vulnerability.choices))

    def clean(self):
        data = super().clean()
        this_month = timezone.localdate().replace(day=1)
        to = _month(data["month_to"]) if data.get("month_to") else this_month
        start = _month(data["month_from"]) if data.get("month_from") else _shift(to, -11)
        if start > to:
            self.add_error("month_from", _("The first month comes after the last one."))
        elif (to.year - start.year) * 12 + to.month - start.month >= 60:
            self.add_error("month_from", _("Choose a period of at most five years."))
        data["start"], data["end"] = start, to
        return data

    def filters(self, centre_id: int | None = None) -> KpiFilters:
        data = self.cleaned_data
        return KpiFilters(month_from=data["start"], month_to=data["end"],
                          sex=data.get("sex") or "", age_group=data.get("age_group") or "",
                          category=data.get("category") or "", centre_id=centre_id)

    @classmethod
    def default(cls) -> KpiFilters:
        form = cls({})
        form.is_valid()
        return form.filters()


class MonthlyReportForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=MONTH,
                             error_messages={"invalid": _("Give a month as YYYY-MM.")},
                             widget=forms.TextInput(attrs={"type": "month"}))
    language = forms.ChoiceField(label=_("Language"),
                                 choices=[("ar", "العربية"), ("fr", "Français")])

    def clean_month(self) -> date:
        return _month(self.cleaned_data["month"])
