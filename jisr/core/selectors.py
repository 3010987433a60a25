from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from jisr.accounts import policy
from jisr.core.models import AuditEntry


def audit_list(*, user, filters: dict | None = None) -> QuerySet[AuditEntry]:
    if not policy.has_perm(user, "audit.browse"):
        return AuditEntry.objects.none()
    filters = filters or {}
    qs = AuditEntry.objects.select_related("actor")
    if filters.get("actor"):
        qs = qs.filter(actor__username__iexact=filters["actor"].strip())
    for name in ("action", "object_type"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}__startswith": filters[name].strip()})
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"].strip())
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    tz = timezone.get_current_timezone()
    if filters.get("since"):
        qs = qs.filter(at__gte=datetime.combine(filters["since"], time.min, tz))
    if filters.get("until"):
        qs = qs.filter(at__lt=datetime.combine(filters["until"] + timedelta(days=1), time.min,
                                               tz))
    return qs.order_by("-at", "-id")
