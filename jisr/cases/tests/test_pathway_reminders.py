"""Reminders of the pathway plans: each owner is told in the application of their steps past
due and of their follow-ups due tomorrow, once (the hourly job runs again and again), naming
the case reference, never the person; steps of closed cases and unowned steps remind nobody."""

from datetime import timedelta

from django.utils import timezone

from jisr.cases import services
from jisr.cases.pathway_services import pathway_reminders_send
from jisr.cases.pathways import FollowUp, PlanStep
from jisr.core.models import AuditEntry
from jisr.notifications.models import Notification
from jisr.testing.personas import CANARY_PERSON_MARRAKECH


def _overdue_step(world):
    step = world.plans["marrakech"].steps.filter(status__in=PlanStep.OPEN).order_by(
        "order").first()
    PlanStep.objects.filter(pk=step.pk).update(
        owner=world.youssef, due_date=timezone.localdate() - timedelta(days=3))
    step.refresh_from_db()
    return step


def _reminders(event, user):
    return Notification.objects.filter(event=event, recipient=user)


def test_an_overdue_step_is_reminded_to_its_owner_once(world):
    step = _overdue_step(world)
    reminded = pathway_reminders_send()["steps"]
    assert reminded >= 1
    assert AuditEntry.objects.filter(action="cases.plan_step.remind_overdue",
                                     count=reminded, actor=None).exists()
    # the next hourly run does not go through the steps already reminded
    assert pathway_reminders_send()["steps"] == 0
    step.refresh_from_db()
    assert step.overdue_reminded_for == step.due_date
    [reminder] = _reminders("cases.plan_step_overdue", world.youssef).filter(
        dedupe_key__isnull=False).filter(link_url=f"/cases/plans/{step.plan_id}/")
    assert world.cases["marrakech"].reference in reminder.body
    assert CANARY_PERSON_MARRAKECH not in reminder.body + reminder.subject
    # Moved to another date, it is reminded again when that date passes.
    PlanStep.objects.filter(pk=step.pk).update(
        due_date=timezone.localdate() - timedelta(days=1))
    pathway_reminders_send()
    assert _reminders("cases.plan_step_overdue", world.youssef).filter(
        link_url=f"/cases/plans/{step.plan_id}/").count() == 2


def test_tomorrow_s_follow_up_is_reminded_to_its_worker(world):
    follow_up = world.follow_ups["marrakech"]
    FollowUp.objects.filter(pk=follow_up.pk).update(
        due_date=timezone.localdate() + timedelta(days=1))
    counts = pathway_reminders_send()
    assert counts["follow_ups"] >= 1
    assert pathway_reminders_send()["follow_ups"] == 0  # the next hour: not read again
    assert AuditEntry.objects.filter(action="cases.follow_up.remind",
                                     count=counts["follow_ups"]).count() == 1
    reminder = _reminders("cases.follow_up_due", world.youssef).get()
    assert world.cases["marrakech"].reference in reminder.body
    # The outsider's follow-up at Oujda goes to him, not to anyone at Marrakech.
    assert not _reminders("cases.follow_up_due", world.karim).filter(
        body__contains=world.cases["marrakech"].reference).exists()


def test_nothing_for_a_closed_case_or_an_unowned_step(world):
    step = _overdue_step(world)
    services.case_close(actor=world.youssef, case=world.cases["marrakech"],
                        reason="resolved", note="Besoins satisfaits",
                        expected_stage=world.cases["marrakech"].stage)
    pathway_reminders_send()
    assert not _reminders("cases.plan_step_overdue", world.youssef).filter(
        link_url=f"/cases/plans/{step.plan_id}/").exists()
    other = world.plans["oujda"].steps.filter(status__in=PlanStep.OPEN).first()
    PlanStep.objects.filter(pk=other.pk).update(
        owner=None, due_date=timezone.localdate() - timedelta(days=3))
    pathway_reminders_send()
    assert not Notification.objects.filter(event="cases.plan_step_overdue",
                                           link_url=f"/cases/plans/{other.plan_id}/").exists()


def test_the_job_is_registered_to_run_every_hour(world):
    from jisr.cases.tasks import send_pathway_reminders
    from jisr.core.periodic import registered

    entry = registered()[send_pathway_reminders.module_path]
    assert entry.every == timedelta(hours=1)
