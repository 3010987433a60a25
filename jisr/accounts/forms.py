from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.network.models import Centre, PartnerOrganisation
from jisr.territory.models import Province, Region


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(
        attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class OTPTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("Enter the six digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "autofocus": True, "dir": "ltr"}))

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class StaffForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name", "full_name_ar", "phone",
                  "role", "centre", "partner", "province", "region"]
        labels = {"first_name": _("First name (Latin script)"),
                  "last_name": _("Last name (Latin script)"), "email": _("E-mail")}
        widgets = {"username": forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "none"}),
                   "email": forms.EmailInput(attrs={"dir": "ltr"}),
                   "phone": forms.TextInput(attrs={"dir": "ltr"}),
                   "full_name_ar": forms.TextInput(attrs={"dir": "rtl"})}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["centre"].queryset = Centre.objects.select_related("commune").order_by(
            "code")
        self.fields["partner"].queryset = PartnerOrganisation.objects.order_by("code")
        self.fields["province"].queryset = Province.objects.order_by("code")
        self.fields["region"].queryset = Region.objects.order_by("code")
        if editing:
            del self.fields["username"]

    def _post_clean(self):
        # Model validation (scope consistent with role) is the service's job, so that the API
        # and the CLI get exactly the same rules; the form only checks its own fields.
        pass


_ROLE_LABELS = dict(Role.choices)


def staff_label(user) -> str:
    """A staff member as a choice shows them: name (role). The role's label is looked up in
    ``Role``'s table once made: ``get_role_display()`` rebuilds the table, translating every
    label, for each call, and a centre lists five hundred workers."""
    return f"{user.display_name} ({_ROLE_LABELS.get(user.role, user.role)})"


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of staff members, each shown by name and role (``staff_label``)."""

    def label_from_instance(self, obj) -> str:
        return staff_label(obj)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=True,
                             widget=forms.Textarea(attrs={"rows": 2}))


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("All roles")), *Role.choices])
    active = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))])
