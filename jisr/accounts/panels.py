"""What the accounts app puts on the role homes: the user's scope, their team, and for
administrators the state of staff accounts."""

from __future__ import annotations

from django.db.models import Count

from jisr.accounts import policy, selectors
from jisr.accounts.roles import Role, ScopeKind
from jisr.core.panels import Panel, register
from jisr.core.selectors import audit_list


def _scope_context(user) -> dict:
    scope = user.scope
    chain = []
    if user.scope_kind == ScopeKind.CENTRE and scope is not None:
        commune = scope.commune
        # In Casablanca: arrondissement, city, prefecture of arrondissements, region.
        chain = [scope.arrondissement, commune, scope.supervising_province,
                 commune.province.region]
    elif user.scope_kind == ScopeKind.PROVINCE and scope is not None:
        chain = [scope.parent, scope.region]
    elif user.scope_kind == ScopeKind.PARTNER and scope is not None:
        chain = [scope.region]
    chain = [unit for unit in chain if unit is not None]
    return {"scope": scope, "kind": user.scope_kind, "chain": chain,
            "kind_label": ScopeKind(user.scope_kind).label}


def _team_context(user) -> dict:
    members = selectors.user_list(user=user, filters={"active": "1"}).exclude(pk=user.pk)
    by_role = members.values("role").annotate(n=Count("pk")).order_by("role")
    return {"members": list(members[:8]), "total": members.count(),
            "by_role": [(Role(r["role"]).label, r["n"]) for r in by_role]}


def _admin_context(user) -> dict:
    staff = selectors.user_list(user=user)
    counts = staff.values("role").annotate(n=Count("pk")).order_by("role")
    return {
        "by_role": [(Role(r["role"]).label, r["n"]) for r in counts],
        "active": staff.filter(is_active=True).count(),
        "inactive": staff.filter(is_active=False).count(),
        "locked": len(selectors.locked_usernames(list(staff.values_list("username",
                                                                        flat=True)))),
        "recent": list(audit_list(user=user)[:8]),
    }


register(Panel(key="scope", template="accounts/panels/scope.html", order=10,
               applies=lambda user: True, context=_scope_context))
register(Panel(key="team", template="accounts/panels/team.html", order=30,
               applies=lambda user: policy.has_perm(user, "accounts.view_team")
               and not policy.has_perm(user, "accounts.manage_staff"), context=_team_context))
register(Panel(key="staff", template="accounts/panels/staff.html", order=20,
               applies=lambda user: policy.has_perm(user, "accounts.manage_staff"),
               context=_admin_context))
