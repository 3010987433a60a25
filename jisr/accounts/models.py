from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import ROLE_SCOPE, TWO_FACTOR_ROLES, Role, ScopeKind


class User(AbstractUser):
    """A member of staff (citizens do not have staff accounts).

    ``first_name``/``last_name`` hold the Latin-script name; ``full_name_ar`` the Arabic one.
    Exactly one of the scope fields is set, the one the role calls for.
    """

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    full_name_ar = models.CharField(_("full name (Arabic)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    centre = models.ForeignKey("network.Centre", verbose_name=_("centre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="staff")
    partner = models.ForeignKey("network.PartnerOrganisation", verbose_name=_("partner"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="staff")
    province = models.ForeignKey("territory.Province", verbose_name=_("province"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("territory.Region", verbose_name=_("region"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    # The language last chosen in the application (a code of LANGUAGES), in which the
    # user's notifications are written; empty: the site's default (Arabic).
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    AUDIT_VALUE_FIELDS = ("username", "role", "centre", "partner", "province", "region",
                          "is_active", "preferred_language")
    AUDIT_LABEL_PUBLIC = True
    SCOPE_FIELDS = ("centre", "partner", "province", "region")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPE.get(self.role, ScopeKind.NATION)

    @property
    def scope(self):
        """The centre, partner, province or region the user works in (None for the nation)."""
        return {ScopeKind.CENTRE: self.centre, ScopeKind.PARTNER: self.partner,
                ScopeKind.PROVINCE: self.province, ScopeKind.REGION: self.region}.get(
                    self.scope_kind)

    @property
    def requires_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES

    # What display_name reads: a list showing names loads these only (``only()``)
    DISPLAY_NAME_FIELDS = ("first_name", "last_name", "full_name_ar", "username")

    @property
    def display_name(self) -> str:
        return self.display_name_of(*(getattr(self, f) for f in self.DISPLAY_NAME_FIELDS))

    @staticmethod
    def display_name_of(first_name: str, last_name: str, full_name_ar: str,
                        username: str) -> str:
        """``display_name`` of the values of DISPLAY_NAME_FIELDS (a list read as values)."""
        from django.utils.translation import get_language

        latin = f"{first_name} {last_name}".strip()
        if (get_language() or "ar").startswith("ar") and full_name_ar:
            return full_name_ar
        return latin or full_name_ar or username

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        needed = {ScopeKind.CENTRE: "centre", ScopeKind.PARTNER: "partner",
                  ScopeKind.PROVINCE: "province", ScopeKind.REGION: "region"}.get(
                      ROLE_SCOPE.get(self.role))
        # Whole sentences per scope: their grammar (gender, article) differs by language.
        missing = {"centre": _("This role works in a centre: choose the centre."),
                   "partner": _("This role works for a partner organisation: choose it."),
                   "province": _("This role covers a province or prefecture: choose it."),
                   "region": _("This role covers a region: choose it.")}
        extra = {"centre": _("This role is not attached to a centre: leave it empty."),
                 "partner": _("This role is not attached to a partner: leave it empty."),
                 "province": _("This role is not attached to a province: leave it empty."),
                 "region": _("This role is not attached to a region: leave it empty.")}
        errors = {}
        for name in self.SCOPE_FIELDS:
            value = getattr(self, f"{name}_id")
            if name == needed and value is None:
                errors[name] = missing[name]
            elif name != needed and value is not None:
                errors[name] = extra[name]
        if errors:
            raise ValidationError(errors)
