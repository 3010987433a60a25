"""The centres panel of the homes of those who supervise several centres (coordinators,
analysts, administrators) or work in one (their centre's card)."""

from __future__ import annotations

from django.db.models import Count, Q

from jisr.accounts import policy
from jisr.accounts.roles import ScopeKind
from jisr.core.panels import Panel, register


def _centres_context(user) -> dict:
    centres = policy.centres_for(user).annotate(
        staff_count=Count("staff", filter=Q(staff__is_active=True)))
    return {"centres": list(centres.order_by("commune__province__code", "code")[:12]),
            "total": centres.count(),
            "single": user.scope_kind == ScopeKind.CENTRE}


register(Panel(key="centres", template="network/panels/centres.html", order=15,
               applies=lambda user: policy.has_perm(user, "network.view_centres"),
               context=_centres_context))
