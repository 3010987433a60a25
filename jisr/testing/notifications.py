"""Notifications in the shared test world: one in youssef's inbox about the Marrakech person,
so the route walks check that nobody else ever sees it."""

from __future__ import annotations

from jisr.testing.personas import CANARY_PERSON_MARRAKECH


def add_notifications(world) -> None:
    # Written directly (not through notify()): building the world writes no audit entry.
    from jisr.notifications.models import Notification

    world.notifications["youssef"] = Notification.objects.create(
        recipient=world.users["youssef"], channel=Notification.Channel.IN_APP, language="en",
        event="sample.event", dedupe_key="world-sample-youssef",
        subject=f"About {CANARY_PERSON_MARRAKECH}",
        body=f"Fatima El {CANARY_PERSON_MARRAKECH} came back.",
        status=Notification.Status.SENT)
