"""Caseload handover: a centre manager gives a worker's open cases (all or some) and their
future appointments to a colleague; contributors move what other modules own; the receiving
worker is notified in the application."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jisr.cases import casework_services as casework
from jisr.cases import services
from jisr.cases.models import Appointment, Case, CaseEvent
from jisr.core.exceptions import AccessDenied, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.notifications.models import Notification
from jisr.testing.personas import OUTSIDER


@pytest.fixture
def colleague(world):
    return world.users["marrakech_worker"]


@pytest.fixture
def contributors():
    saved = dict(casework._handover_contributors)
    yield casework._handover_contributors
    casework._handover_contributors.clear()
    casework._handover_contributors.update(saved)


def _handover(world, colleague, **kwargs):
    kwargs.setdefault("reason", "Congé de maternité")
    return casework.caseload_handover(actor=world.khadija, from_worker=world.youssef,
                                      to_worker=colleague, **kwargs)


def test_every_open_case_and_future_appointment_moves(world, colleague, contributors):
    moved = []

    @casework.register_handover
    def plan_steps(*, actor, from_worker, to_worker, cases, reason):
        moved.extend(cases)
        return 3

    result = _handover(world, colleague)
    assert {c.pk for c in result.cases} == {world.cases["marrakech"].pk,
                                            world.cases["restricted"].pk}
    assert set(Case.objects.filter(assigned_to=colleague)) == set(result.cases)
    appointment = Appointment.objects.get(pk=world.appointments["marrakech"].pk)
    assert appointment.worker == colleague and result.appointments == 1
    assert appointment.changes.get().from_worker == world.youssef
    assert set(moved) == set(result.cases) and 3 in result.others.values()
    for case in result.cases:
        assert case.events.filter(kind=CaseEvent.Kind.HANDOVER).exists()
    entry = AuditEntry.objects.get(action="cases.caseload.handover")
    assert entry.count == 2 and entry.reason == "Congé de maternité"
    inbox = Notification.objects.get(recipient=colleague, event="cases.handover")
    assert inbox.channel == Notification.Channel.IN_APP and "2" in inbox.body


def test_only_the_chosen_cases_move(world, colleague):
    result = _handover(world, colleague, cases=[world.cases["restricted"]])
    assert [c.pk for c in result.cases] == [world.cases["restricted"].pk]
    assert Case.objects.get(pk=world.cases["marrakech"].pk).assigned_to == world.youssef
    # the Marrakech case's appointment stays with youssef
    assert Appointment.objects.get(pk=world.appointments["marrakech"].pk).worker == \
        world.youssef


def test_an_appointment_clashing_with_the_new_worker_stays_and_is_reported(world,
                                                                          colleague):
    theirs = world.appointments["marrakech"]
    other = services.case_open(actor=world.amina, person=world.persons["marrakech"],
                               channel="walk_in", request="Autre demande")
    services.appointment_book(actor=world.amina, case=other, worker=colleague,
                              start=theirs.start)
    result = _handover(world, colleague)
    assert [a.pk for a in result.conflicts] == [theirs.pk]
    assert Appointment.objects.get(pk=theirs.pk).worker == world.youssef


@pytest.mark.parametrize("change, field", [
    ({"reason": ""}, "reason"),
    ({"cases": [0]}, "cases"),
])
def test_bad_input_is_refused_and_changes_nothing(world, colleague, change, field):
    with pytest.raises(ValidationFailed) as refused:
        _handover(world, colleague, **change)
    assert field in refused.value.fields
    assert not Case.objects.filter(assigned_to=colleague).exists()


def test_the_receiver_must_be_a_worker_of_the_centre(world):
    for receiver in (world.youssef, world.amina, world.karim):
        with pytest.raises(ValidationFailed):
            _handover(world, receiver)


@pytest.mark.parametrize("persona", ["youssef", "amina", OUTSIDER, "rachid"])
def test_only_the_centre_manager_hands_over(world, colleague, persona):
    with pytest.raises((AccessDenied, NotFound)):
        casework.caseload_handover(actor=world.users[persona], from_worker=world.youssef,
                                   to_worker=colleague, reason="Départ en retraite")
    assert not Case.objects.filter(assigned_to=colleague).exists()


def test_a_manager_of_another_centre_cannot_take_workers_away(world, colleague):
    from jisr.accounts.roles import Role
    from jisr.testing.factories import UserFactory

    manager = UserFactory(role=Role.CENTRE_MANAGER, centre=world.centre_oujda)
    with pytest.raises(NotFound):
        casework.caseload_handover(actor=manager, from_worker=world.youssef,
                                   to_worker=colleague, reason="Départ en retraite")


# --- pages and API -----------------------------------------------------------------------

def test_the_caseload_page_counts_each_worker(world, client_for,
                                              django_assert_max_num_queries):
    client = client_for("khadija")
    with django_assert_max_num_queries(12):
        response = client.get("/cases/caseload/")
    page = response.content.decode()
    row = page[page.index(f'data-worker="{world.youssef.pk}"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="open-cases"><span dir="ltr">2</span>' in row
    assert '<td class="upcoming"><span dir="ltr">1</span>' in row


def test_handing_over_from_the_page(world, colleague, client_for):
    client = client_for("khadija", "fr")
    url = f"/cases/caseload/{world.youssef.pk}/"
    response = client.post(url, {"to_worker": colleague.pk, "reason": ""})
    assert response.status_code == 200 and "Dites pourquoi" in response.content.decode()
    response = client.post(url, {"to_worker": colleague.pk, "reason": "Congé maladie",
                                 "cases": [world.cases["marrakech"].pk]})
    assert response.status_code == 302
    assert Case.objects.get(pk=world.cases["marrakech"].pk).assigned_to == colleague


@pytest.mark.parametrize("persona, status", [("youssef", 403), (OUTSIDER, 403),
                                             ("rachid", 403)])
def test_others_get_no_caseload_page(world, client_for, persona, status):
    client = client_for(persona)
    assert client.get("/cases/caseload/").status_code == status
    assert client.get(f"/cases/caseload/{world.youssef.pk}/").status_code == status


def test_the_api_hands_over(world, colleague, api_for):
    api = api_for("khadija")
    listed = api.get("/api/v1/caseload/").json()
    assert {w["id"]: w["open_cases"] for w in listed}[world.youssef.pk] == 2
    response = api.post("/api/v1/caseload/handover/", {
        "from_worker": world.youssef.pk, "to_worker": colleague.pk,
        "reason": "Départ de l'assistant social"}, format="json")
    assert response.status_code == 200, response.content
    assert len(response.json()["cases"]) == 2
    assert api_for(OUTSIDER).post("/api/v1/caseload/handover/", {
        "from_worker": colleague.pk, "to_worker": world.youssef.pk,
        "reason": "Départ"}, format="json").status_code in (403, 404)
    assert api_for("rachid").get("/api/v1/caseload/").status_code == 403


def test_past_appointments_stay_with_the_former_worker(world, colleague):
    Appointment.objects.filter(pk=world.appointments["marrakech"].pk).update(
        start=timezone.now() - timedelta(days=1))
    assert _handover(world, colleague).appointments == 0


def test_the_worker_s_pathway_steps_and_follow_ups_move_too(world, colleague):
    from jisr.cases.pathways import FollowUp, PlanStep

    plan = world.plans["marrakech"]
    open_steps = plan.steps.filter(status__in=["pending", "in_progress"], owner=world.youssef)
    assert open_steps.exists()
    count = open_steps.count()
    done = world.plan_steps["marrakech"]
    owner_of_done = PlanStep.objects.get(pk=done.pk).owner_id
    result = _handover(world, colleague)
    assert result.others["jisr.cases.pathway_services.plans_handover"] == count + 1
    assert not plan.steps.filter(status__in=["pending", "in_progress"],
                                 owner=world.youssef).exists()
    assert FollowUp.objects.get(pk=world.follow_ups["marrakech"].pk).worker == colleague
    moved = AuditEntry.objects.get(action="cases.plan_step.handover")
    assert moved.kind == "bulk" and moved.count == count and moved.actor == world.khadija
    assert AuditEntry.objects.get(action="cases.follow_up.handover").count == 1
    # A closed step keeps who owned it: it is the plan's history.
    assert PlanStep.objects.get(pk=done.pk).owner_id == owner_of_done
