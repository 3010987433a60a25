"""Transfers between centres: proposed by the lead centre, answered by the receiving one;
of two people accepting at once exactly one wins."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jisr.accounts import policy
from jisr.accounts.roles import Role
from jisr.cases import services
from jisr.cases.models import Case, CaseEvent, Transfer
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.registry.models import PersonFollow
from jisr.testing.factories import UserFactory


def test_the_receiving_centre_accepts_and_the_case_moves_with_its_history(world, case):
    transfer = world.transfers["marrakech"]
    assert not policy.cases_for(world.safi).filter(pk=case.pk).exists()
    assert policy.transfers_for(world.safi).filter(pk=transfer.pk).exists()
    services.transfer_accept(actor=world.safi, transfer=transfer)
    case.refresh_from_db()
    assert case.lead_centre == world.centre_safi and case.stage == "received"
    assert case.assigned_to == world.safi
    assert policy.cases_for(world.safi).filter(pk=case.pk).exists()
    assert not policy.cases_for(world.youssef).filter(pk=case.pk).exists()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == "opened" and kinds[-1] == "transfer_accepted"
    assert PersonFollow.objects.filter(person=case.person, centre=world.centre_safi,
                                       until=None).exists()


def test_only_the_receiving_centre_answers_and_only_once(world, case):
    transfer = world.transfers["marrakech"]
    with pytest.raises(AccessDenied):
        services.transfer_accept(actor=world.khadija, transfer=transfer)
    for outsider in ("karim", "omar", "amina"):
        with pytest.raises((NotFound, AccessDenied)):
            services.transfer_accept(actor=world.users[outsider], transfer=transfer)
    with pytest.raises(ValidationFailed):
        services.transfer_decline(actor=world.safi, transfer=transfer, note="non")
    services.transfer_decline(actor=world.safi, transfer=transfer,
                              note="Pas de place avant le mois prochain")
    with pytest.raises(Conflict) as exc:
        services.transfer_accept(actor=world.safi, transfer=transfer)
    assert exc.value.code == "already_answered"
    case.refresh_from_db()
    assert case.lead_centre == world.centre_marrakech


def test_one_proposal_at_a_time_to_another_open_centre(world, case, open_case):
    with pytest.raises(Conflict):
        services.transfer_propose(actor=world.youssef, case=case, to_centre=world.centre_oujda,
                                  reason="Une autre raison valable")
    other = open_case()
    with pytest.raises(ValidationFailed):
        services.transfer_propose(actor=world.youssef, case=other,
                                  to_centre=world.centre_marrakech, reason="Même centre ici")
    with pytest.raises(AccessDenied):
        services.transfer_propose(actor=world.amina, case=other, to_centre=world.centre_safi,
                                  reason="Réception ne transfère pas")
    services.transfer_cancel(actor=world.youssef, transfer=world.transfers["marrakech"])
    assert case.events.filter(kind=CaseEvent.Kind.TRANSFER_CANCELLED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_once_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are PostgreSQL's; SQLite serialises "
                    "writers, so the race cannot happen there")
    from jisr.testing.personas import build_world

    world = build_world()
    second = UserFactory(username="safi_manager", role=Role.CENTRE_MANAGER,
                         centre=world.centre_safi)
    transfer = world.transfers["marrakech"]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user):
        barrier.wait()
        try:
            services.transfer_accept(actor=user, transfer=transfer)
            outcomes.append("accepted")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (world.safi, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted", "conflict"]
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.ACCEPTED
    case = Case.objects.get(pk=transfer.case_id)
    assert case.lead_centre == world.centre_safi
    assert case.events.filter(kind="transfer_accepted").count() == 1


def test_a_worker_is_never_booked_twice_at_once(world, case):
    start = world.appointments["marrakech"].start + timedelta(minutes=30)
    with pytest.raises(Conflict) as exc:
        services.appointment_book(actor=world.amina, case=case, worker=world.youssef,
                                  start=start)
    assert exc.value.code == "slot_taken"
    later = world.appointments["marrakech"].start + timedelta(minutes=45)
    services.appointment_book(actor=world.amina, case=case, worker=world.youssef, start=later)
    with pytest.raises(ValidationFailed):
        services.appointment_book(actor=world.amina, case=case, worker=world.youssef,
                                  start=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.appointment_book(actor=world.amina, case=case, worker=world.karim,
                                  start=later + timedelta(hours=2))


def test_the_case_page_names_the_pending_transfer_until_it_is_answered(world, case, client):
    client.force_login(world.youssef)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "proposed, waiting for an answer" in page and world.centre_safi.name in page
    services.transfer_cancel(actor=world.youssef, transfer=world.transfers["marrakech"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "proposed, waiting for an answer" not in page
    assert "Propose a transfer to another centre" in page
    client.force_login(world.karim)  # the outsider: no page at all
    assert client.get(f"/cases/{case.pk}/").status_code == 404
