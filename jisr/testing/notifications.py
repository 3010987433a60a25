"""Notifications in the shared test world (the route walk marks one read as every persona)."""

from __future__ import annotations

from jisr.testing.personas import CANARY_PERSON_MARRAKECH


def sample_notification(world):
    """An in-app notification of youssef's about the Marrakech person: only he may see it."""
    from jisr.notifications import services
    from jisr.notifications.models import Notification

    return services.notify(
        event="sample.event", key="sample", channel=Notification.Channel.IN_APP,
        recipient=world.users["youssef"], template="notifications/messages/notice",
        context={"title": f"About {CANARY_PERSON_MARRAKECH}",
                 "text": f"Fatima El {CANARY_PERSON_MARRAKECH} came back."})
