"""The inbox link and unread count in the page header (one indexed COUNT per page)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "role", ""):
        return {}
    # Before the second factor is given, every link leads back to that step: no bell.
    is_verified = getattr(user, "is_verified", lambda: False)
    if user.requires_two_factor and settings.JISR_REQUIRE_TWO_FACTOR and not is_verified():
        return {}
    from jisr.notifications import selectors

    # Lazy: a page that does not show the header never counts.
    return {"inbox_url": reverse("notifications:inbox"),
            "notifications_unread": SimpleLazyObject(
                lambda: selectors.unread_count(user=user))}
