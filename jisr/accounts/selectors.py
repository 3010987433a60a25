from __future__ import annotations

from django.db.models import Q, QuerySet

from jisr.accounts import policy
from jisr.accounts.models import User


def user_list(*, user: User, filters: dict | None = None) -> QuerySet[User]:
    filters = filters or {}
    qs = policy.staff_for(user)
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(username__icontains=term) | Q(first_name__icontains=term)
                       | Q(last_name__icontains=term) | Q(full_name_ar__icontains=term)
                       | Q(email__icontains=term))
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    if filters.get("active") in ("1", "0", True, False):
        qs = qs.filter(is_active=filters["active"] in ("1", True))
    return qs.order_by("username")


def user_get_for_user(*, user: User, user_id) -> User:
    return policy.get_or_404(policy.staff_for(user), pk=user_id)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames are currently locked out by repeated failures."""
    from axes.conf import settings as axes_settings
    from axes.models import AccessAttempt
    from django.utils import timezone

    cutoff = timezone.now() - axes_settings.AXES_COOLOFF_TIME
    return set(AccessAttempt.objects.filter(
        username__in=usernames, failures_since_start__gte=axes_settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=cutoff).values_list("username", flat=True))
