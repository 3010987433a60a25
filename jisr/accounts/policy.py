"""The access policy: the one module that decides what a user may see and do.

Selectors of every app start from the querysets here (``centres_for``, ``staff_for``…), and
services call the ``check_*`` functions before changing anything, so a new page, export or API
endpoint cannot forget the rules (shared/DESIGN.md, "Who sees what"). Records outside a user's
scope are reported as *not found*, not *forbidden*, so their existence does not leak.

Permissions are named ``<app>.<verb>``; each is listed in :data:`PERMISSIONS` with the roles
that hold it, and documented in ``docs/access.md`` (a test checks both lists agree).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import COORDINATOR_ROLES, Role, ScopeKind
from jisr.core.exceptions import AccessDenied, NotFound

_ALL = frozenset(Role)

PERMISSIONS: dict[str, frozenset[str]] = {
    # Staff accounts: create, deactivate, re-scope, reset second factor, unlock.
    "accounts.manage_staff": frozenset({Role.ADMINISTRATOR}),
    # The team page: colleagues within the user's own scope.
    "accounts.view_team": _ALL - {Role.NATIONAL_ANALYST},
    # The audit trail.
    "audit.browse": frozenset({Role.ADMINISTRATOR}),
    # Changing a centre's description, hours, capacity (within scope).
    "network.edit_centre": frozenset({Role.CENTRE_MANAGER, *COORDINATOR_ROLES,
                                      Role.ADMINISTRATOR}),
    # Seeing the centres of one's scope with their staff counts.
    "network.view_centres": _ALL - {Role.PARTNER_AGENT},
}


def _is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role)


def has_perm(user, perm: str) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}: add it to jisr.accounts.policy.PERMISSIONS")
    return _is_staff_user(user) and user.role in PERMISSIONS[perm]


def check_perm(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise AccessDenied()


def _territory_q(user, *, commune_path: str) -> Q | None:
    """Q selecting rows whose commune lies in the user's territory; None means everything."""
    kind = user.scope_kind
    if kind == ScopeKind.NATION:
        return None
    if kind == ScopeKind.REGION:
        return Q(**{f"{commune_path}__province__region_id": user.region_id})
    if kind == ScopeKind.PROVINCE:
        return Q(**{f"{commune_path}__province_id": user.province_id})
    return Q(pk__in=[])


def centres_for(user) -> QuerySet:
    """Centres the user works in or supervises."""
    from jisr.network.models import Centre

    qs = Centre.objects.select_related("commune__province__region")
    if not has_perm(user, "network.view_centres"):
        return qs.none()
    if user.scope_kind == ScopeKind.CENTRE:
        return qs.filter(pk=user.centre_id)
    q = _territory_q(user, commune_path="commune")
    return qs if q is None else qs.filter(q)


def staff_for(user) -> QuerySet:
    """Staff accounts the user may see: their team, their territory's teams, or everyone."""
    from jisr.accounts.models import User

    qs = User.objects.select_related("centre", "partner", "province", "region")
    if not _is_staff_user(user):
        return qs.none()
    if has_perm(user, "accounts.manage_staff"):
        return qs
    if not has_perm(user, "accounts.view_team"):
        return qs.none()
    kind = user.scope_kind
    if kind == ScopeKind.CENTRE:
        return qs.filter(centre_id=user.centre_id)
    if kind == ScopeKind.PARTNER:
        return qs.filter(partner_id=user.partner_id)
    # Coordinators see the staff of the centres they supervise, and fellow coordinators of
    # their own territory; not partners' staff (partners manage their own people).
    centres = centres_for(user).values("pk")
    if kind == ScopeKind.PROVINCE:
        coordinators = Q(province_id=user.province_id)
    else:  # a region's coordinators and those of its provinces
        coordinators = Q(region_id=user.region_id) | Q(province__region_id=user.region_id)
    return qs.filter(Q(centre__in=centres) | (coordinators & Q(role__in=COORDINATOR_ROLES)))


def can_edit_centre(user, centre) -> bool:
    return has_perm(user, "network.edit_centre") and centres_for(user).filter(
        pk=centre.pk).exists()


def check_edit_centre(user, centre) -> None:
    if not centres_for(user).filter(pk=centre.pk).exists():
        raise NotFound()
    if not has_perm(user, "network.edit_centre"):
        raise AccessDenied(_("Only the centre's manager or a coordinator of its territory may "
                             "change it."))


def get_or_404(queryset: QuerySet, **lookup):
    """Fetch one row of an already scoped queryset, or raise the domain's NotFound."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound()
