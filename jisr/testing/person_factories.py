"""Factories of the registry for tests: persons with names in both scripts, a CIN and a
phone, followed by the centre that registered them; households with their head."""

from __future__ import annotations

import factory

from jisr.registry import identifiers
from jisr.registry.duplicates import person_match_keys_refresh
from jisr.registry.models import (
    Household,
    HouseholdMembership,
    IdentityDocument,
    Person,
    PersonFollow,
    Phone,
)
from jisr.testing.factories import CentreFactory


class PersonFactory(factory.django.DjangoModelFactory):
    """``PersonFactory(cin="BE123456", phone="0612345678")``; ``cin=None`` for none."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name_ar = "خديجة"
    family_name_ar = "بنعلي"
    first_name_lat = "Khadija"
    family_name_lat = factory.Sequence(lambda n: f"Benali{n}")
    sex = "female"
    birth_year = 1980
    registered_at = factory.SubFactory(CentreFactory)
    name_key = factory.LazyAttribute(lambda o: identifiers.name_key(
        o.first_name_ar, o.family_name_ar, o.father_name_ar, o.mother_name_ar,
        o.first_name_lat, o.family_name_lat, o.father_name_lat, o.mother_name_lat))
    father_name_ar = ""
    mother_name_ar = ""
    father_name_lat = ""
    mother_name_lat = ""

    @factory.post_generation
    def cin(obj, create, extracted, **kwargs):
        if create and extracted:
            IdentityDocument.objects.create(person=obj, kind=IdentityDocument.Kind.CIN,
                                            number=identifiers.normalise_cin(extracted))

    @factory.post_generation
    def phone(obj, create, extracted, **kwargs):
        if create and extracted:
            Phone.objects.create(person=obj, number=identifiers.normalise_phone(extracted))

    @factory.post_generation
    def followed(obj, create, extracted, **kwargs):
        # Registration opens a follow-up by the registering centre, as the service does.
        if create and extracted is not False:
            PersonFollow.objects.create(person=obj, centre=obj.registered_at)

    @factory.post_generation
    def match_keys(obj, create, extracted, **kwargs):
        # Last, after the documents and phone: the services refresh the keys the same way.
        if create:
            person_match_keys_refresh(obj)


class HouseholdFactory(factory.django.DjangoModelFactory):
    """``HouseholdFactory(head=person)``: the household and the head's open membership."""

    class Meta:
        model = Household

    head = None
    registered_at = factory.LazyAttribute(lambda o: o.head.registered_at if o.head
                                          else CentreFactory())
    commune = factory.LazyAttribute(lambda o: o.head.commune if o.head else None)

    @classmethod
    def _create(cls, model_class, *args, head=None, **kwargs):
        household = super()._create(model_class, *args, **kwargs)
        if head is not None:
            HouseholdMembership.objects.create(
                person=head, household=household,
                relationship=HouseholdMembership.Relationship.HEAD)
        return household
