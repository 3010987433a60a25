"""Households keep their history: a move closes one stay and opens the next."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from jisr.core.exceptions import NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.registry import households
from jisr.registry.models import HouseholdMembership
from jisr.testing.person_factories import PersonFactory


@pytest.fixture
def child(world):
    return PersonFactory(first_name_lat="Yassine", registered_at=world.centre_marrakech,
                         birth_year=2015, sex="male")


def test_a_household_is_created_with_its_head(world, child):
    household = households.household_create(actor=world.amina, head=child)
    membership = household.memberships.get()
    assert membership.relationship == "head" and membership.end is None
    assert AuditEntry.objects.filter(action="registry.household.create").exists()


def test_a_move_keeps_the_history_and_one_open_membership(world, child):
    first = world.households["marrakech"]
    households.household_member_add(actor=world.youssef, household=first, person=child,
                                    relationship="child", start=date(2020, 1, 1))
    second = households.household_create(actor=world.amina,
                                         head=PersonFactory(registered_at=world.centre_marrakech))
    households.household_member_move(actor=world.youssef, person=child, household=second,
                                     relationship="grandchild", date=date(2024, 6, 1))
    stays = list(HouseholdMembership.objects.filter(person=child).order_by("start"))
    assert [(s.household_id, s.start, s.end) for s in stays] == [
        (first.pk, date(2020, 1, 1), date(2024, 6, 1)), (second.pk, date(2024, 6, 1), None)]
    assert HouseholdMembership.objects.filter(person=child, end=None).count() == 1
    leave = AuditEntry.objects.get(action="registry.household.leave")
    assert leave.after["end"] == "2024-06-01"


def test_joining_while_living_elsewhere_is_refused(world, child):
    households.household_member_add(actor=world.youssef, household=world.households[
        "marrakech"], person=child, relationship="child")
    other = households.household_create(actor=world.amina,
                                        head=PersonFactory(registered_at=world.centre_marrakech))
    with pytest.raises(ValidationFailed):
        households.household_member_add(actor=world.youssef, household=other, person=child,
                                        relationship="child")


def test_the_database_refuses_two_open_memberships(world, child):
    households.household_member_add(actor=world.youssef, household=world.households[
        "marrakech"], person=child, relationship="child")
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMembership.objects.create(person=child, household=world.households["oujda"],
                                           relationship="child")


def test_a_second_head_and_a_move_back_in_time_are_refused(world, child):
    household = world.households["marrakech"]
    with pytest.raises(ValidationFailed) as error:
        households.household_member_add(actor=world.youssef, household=household,
                                        person=child, relationship="head")
    assert "relationship" in error.value.fields
    households.household_member_add(actor=world.youssef, household=household, person=child,
                                    relationship="child")
    other = households.household_create(actor=world.amina,
                                        head=PersonFactory(registered_at=world.centre_marrakech))
    with pytest.raises(ValidationFailed) as error:
        households.household_member_move(actor=world.youssef, person=child, household=other,
                                          relationship="child",
                                          date=date.today() - timedelta(days=30))
    assert "date" in error.value.fields
    assert HouseholdMembership.objects.filter(person=child).count() == 1


def test_the_outsider_cannot_touch_another_centres_household(world, child):
    with pytest.raises(NotFound):
        households.household_member_move(actor=world.karim, person=world.persons["oujda"],
                                         household=world.households["marrakech"],
                                         relationship="child")
    with pytest.raises(NotFound):
        households.household_update(actor=world.karim, household=world.households[
            "marrakech"], address="x")
