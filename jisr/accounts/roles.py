"""Roles and the kind of scope each one is given.

A user has exactly one role and one scope; the scope's kind follows from the role (a social
worker belongs to a centre, a regional coordinator to a region…).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    PARTNER_AGENT = "partner_agent", _("Partner agent")
    EMERGENCY_AGENT = "emergency_agent", _("Emergency agent")
    PROVINCIAL_COORDINATOR = "provincial_coordinator", _("Provincial coordinator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    NATIONAL_ANALYST = "national_analyst", _("National analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class ScopeKind(models.TextChoices):
    CENTRE = "centre", _("Centre")
    PARTNER = "partner", _("Partner organisation")
    PROVINCE = "province", _("Province or prefecture")
    REGION = "region", _("Region")
    NATION = "nation", _("Nation")


ROLE_SCOPE: dict[str, str] = {
    Role.RECEPTION_OFFICER: ScopeKind.CENTRE,
    Role.SOCIAL_WORKER: ScopeKind.CENTRE,
    Role.CENTRE_MANAGER: ScopeKind.CENTRE,
    # Mobile teams are attached to a centre (their SAMU social unit or the centre they work from).
    Role.EMERGENCY_AGENT: ScopeKind.CENTRE,
    Role.PARTNER_AGENT: ScopeKind.PARTNER,
    Role.PROVINCIAL_COORDINATOR: ScopeKind.PROVINCE,
    Role.REGIONAL_COORDINATOR: ScopeKind.REGION,
    Role.NATIONAL_ANALYST: ScopeKind.NATION,
    Role.ADMINISTRATOR: ScopeKind.NATION,
}

# Who must log in with a second factor: those whose scope spans many centres or who manage
# accounts, since a stolen password there exposes most.
TWO_FACTOR_ROLES = frozenset({
    Role.ADMINISTRATOR,
    Role.PROVINCIAL_COORDINATOR,
    Role.REGIONAL_COORDINATOR,
})

CENTRE_ROLES = frozenset(r for r, s in ROLE_SCOPE.items() if s == ScopeKind.CENTRE)
COORDINATOR_ROLES = frozenset({Role.PROVINCIAL_COORDINATOR, Role.REGIONAL_COORDINATOR})
