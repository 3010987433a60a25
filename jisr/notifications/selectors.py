"""Reads of notifications: a user's own inbox, through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from jisr.accounts import policy
from jisr.notifications.models import Notification


def inbox(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = policy.notifications_for(user).order_by("-created_at", "-pk")
    if unread_only:
        qs = qs.exclude(status=Notification.Status.READ)
    return qs


def unread_count(*, user) -> int:
    return inbox(user=user, unread_only=True).count()
