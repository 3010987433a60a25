"""Referrals under concurrency (PostgreSQL row locks): two workers sending the last place of
a service at once, and two agents accepting the same referral at once."""

import threading

import pytest
from django.db import connection

from jisr.accounts.roles import Role
from jisr.cases import referral_services as rs
from jisr.cases import services
from jisr.core.exceptions import Conflict
from jisr.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are PostgreSQL's; SQLite serialises "
                    "writers, so the race cannot happen there")


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        barrier.wait()
        try:
            outcomes.append(call())
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_workers_sending_the_last_place_at_once_queue_one_of_them():
    _postgresql_only()
    from jisr.testing.personas import build_world

    world = build_world()
    offering = world.offerings["partner_marrakech"]
    offering.capacity = 1
    offering.save()
    cases = [services.case_open(actor=world.youssef, person=world.persons["marrakech"],
                                channel="walk_in", urgency="urgent", request=f"Demande {i}")
             for i in range(2)]
    outcomes = _race([lambda c=c: rs.referral_send(actor=world.youssef, case=c,
                                                   offering=offering).status
                      for c in cases])
    assert sorted(outcomes) == ["sent", "waiting"]


def test_two_agents_accepting_at_once_exactly_one_wins():
    _postgresql_only()
    from jisr.testing.personas import build_world

    world = build_world()
    colleague = UserFactory(username="rachid_colleague", role=Role.PARTNER_AGENT,
                            partner=world.partner_marrakech)
    case = services.case_open(actor=world.youssef, person=world.persons["marrakech"],
                              channel="walk_in", urgency="urgent", request="Demande")
    referral = rs.referral_send(actor=world.youssef, case=case,
                                offering=world.offerings["partner_marrakech"])
    outcomes = _race([lambda u=u: rs.referral_accept(actor=u, referral=referral).status
                      for u in (world.rachid, colleague)])
    assert sorted(outcomes) == ["accepted", "conflict"]
    assert case.events.filter(kind="referral_accepted").count() == 1
