"""Writes on households: creation, members joining, and moves between households.

A membership is a stay: joining opens one, a move closes the current stay (its end date)
and opens the next, so a household's composition can be told at any date. The database
keeps at most one open stay per person and one open head per household.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.core import audit
from jisr.core.exceptions import NotFound, ValidationFailed
from jisr.registry.models import Household, HouseholdMembership, Person
from jisr.registry.services import _save, _user_centre, full_clean

HOUSEHOLD_FIELDS = ("commune", "address")
MEMBERSHIP_AUDIT = ("person", "household", "relationship", "start", "end")


def _check_household(actor, household: Household) -> None:
    if not policy.households_for(actor).filter(pk=household.pk).exists():
        raise NotFound()
    policy.check_perm(actor, "registry.edit_person")


def _open_membership(*, actor, person: Person, household: Household, relationship: str,
                     start=None) -> HouseholdMembership:
    membership = HouseholdMembership(person=person, household=household,
                                     relationship=relationship,
                                     start=start or timezone.localdate())
    full_clean(membership, exclude=("person", "household"))
    if relationship == HouseholdMembership.Relationship.HEAD and \
            household.memberships.filter(end=None, relationship=relationship).exists():
        raise ValidationFailed(fields={"relationship": [_(
            "This household already has a head: choose another relationship.")]})
    _save(membership)
    audit.record(actor=actor, action="registry.household.join", obj=membership,
                 after=audit.snapshot(membership, MEMBERSHIP_AUDIT))
    return membership


@transaction.atomic
def household_create(*, actor, head: Person, commune=None, address: str = "") -> Household:
    """A new household with ``head`` as its head (the head must not live in another one:
    move them instead)."""
    policy.check_person_perm(actor, "registry.register_person", head)
    centre = _user_centre(actor)
    Person.objects.select_for_update().filter(pk=head.pk).first()
    if HouseholdMembership.objects.filter(person=head, end=None).exists():
        raise ValidationFailed(fields={"head": [_(
            "This person already lives in a household: move them to a new one instead.")]})
    household = Household(commune=commune or head.commune, address=address or head.address,
                          registered_at=centre)
    full_clean(household)
    household.save()
    audit.record(actor=actor, action="registry.household.create", obj=household,
                 after=audit.snapshot(household, (*HOUSEHOLD_FIELDS, "registered_at")))
    _open_membership(actor=actor, person=head, household=household,
                     relationship=HouseholdMembership.Relationship.HEAD)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, **changes) -> Household:
    _check_household(actor, household)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValidationFailed(fields={n: [_("This field cannot be changed.")]
                                       for n in sorted(unknown)})
    household = Household.objects.select_for_update().get(pk=household.pk)
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    for name, value in changes.items():
        setattr(household, name, value)
    full_clean(household)
    household.save()
    after = audit.snapshot(household, HOUSEHOLD_FIELDS)
    if before != after:
        audit.record(actor=actor, action="registry.household.update", obj=household,
                     before=before, after=after)
    return household


@transaction.atomic
def household_member_add(*, actor, household: Household, person: Person,
                         relationship: str, start=None) -> HouseholdMembership:
    """A person who lives in no household joins this one."""
    _check_household(actor, household)
    policy.check_person_perm(actor, "registry.edit_person", person)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if HouseholdMembership.objects.filter(person=person, end=None).exists():
        raise ValidationFailed(fields={"person": [_(
            "This person already lives in a household: move them instead.")]})
    return _open_membership(actor=actor, person=person, household=household,
                            relationship=relationship, start=start)


@transaction.atomic
def household_member_move(*, actor, person: Person, household: Household,
                          relationship: str, date=None) -> HouseholdMembership:
    """The person leaves their current household on ``date`` (today by default) and joins
    ``household`` the same day."""
    policy.check_person_perm(actor, "registry.edit_person", person)
    _check_household(actor, household)
    date = date or timezone.localdate()
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = HouseholdMembership.objects.select_for_update().filter(
        person=person, end=None).first()
    if current is not None:
        if current.household_id == household.pk:
            raise ValidationFailed(fields={"household": [_(
                "The person already lives in this household.")]})
        if date < current.start:
            raise ValidationFailed(fields={"date": [_(
                "The move cannot be dated before the person joined their current "
                "household.")]})
        before = audit.snapshot(current, MEMBERSHIP_AUDIT)
        current.end = date
        current.save(update_fields=["end"])
        audit.record(actor=actor, action="registry.household.leave", obj=current,
                     before=before, after=audit.snapshot(current, MEMBERSHIP_AUDIT))
    return _open_membership(actor=actor, person=person, household=household,
                            relationship=relationship, start=date)
