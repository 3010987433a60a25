"""Factories for tests, with Arabic and Latin names."""

from __future__ import annotations

import factory

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.network.models import Centre, PartnerOrganisation, Service, ServiceOffering
from jisr.territory.models import Commune, Province, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{20 + n:02d}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"90.{100 + n}")
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"90.100.01.{n}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("code",)

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"C-{n}")
    kind = Centre.Kind.JISR
    name_fr = factory.LazyAttribute(lambda o: f"Centre Jisr {o.commune.name_fr}")
    name_ar = factory.LazyAttribute(lambda o: f"مركز جسر {o.commune.name_ar}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"P-{n}")
    name_fr = factory.Sequence(lambda n: f"Association {n}")
    name_ar = factory.Sequence(lambda n: f"جمعية {n}")


class OfferingFactory(factory.django.DjangoModelFactory):
    """An offering of a seeded catalogue service (the catalogue comes with the migrations)."""

    class Meta:
        model = ServiceOffering

    service = factory.LazyFunction(lambda: Service.objects.get(code="listening-interview"))
    centre = factory.SubFactory(CentreFactory)
    partner = None
    eligibility = "Toute personne en situation de vulnérabilité"
    languages = factory.LazyFunction(lambda: ["ar", "ary", "fr"])
    capacity = 20
    waiting_list = 3
    response_days = 7


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.jisr.ma")
    first_name = "Fatima Zahra"
    last_name = "Bennani"
    full_name_ar = "فاطمة الزهراء بناني"
    role = Role.SOCIAL_WORKER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
