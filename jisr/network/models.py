"""The network: centres, partner organisations, the service catalogue and service offerings.

Aligned with Open Referral HSDS 3.0 (see hsds/__init__.py): a centre is a *location* of the
network's organisation, a partner an *organization*, a catalogue service a *taxonomy term*,
and an offering a *service* with its *service at location*.
"""

from __future__ import annotations

import re
import uuid

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.territory.models import Arrondissement, BilingualName, Commune, Province, Region

# Stable identifiers for HSDS: derived from our codes, so an export names the same centre
# with the same UUID on every run and every server.
HSDS_NAMESPACE = uuid.UUID("6f1c3f0e-5b7e-4a38-9d2e-7a1b0c4d5e60")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# The same codes as the registry's persons' languages, so a referral can match a person's
# language to an offering's.
LANGUAGES = {
    "ary": _("Moroccan Arabic (Darija)"), "tzm": _("Tamazight"), "shi": _("Tachelhit"),
    "rif": _("Tarifit"), "mey": _("Hassaniya"), "ar": _("Standard Arabic"),
    "fr": _("French"), "es": _("Spanish"), "en": _("English"), "sgn": _("Sign language"),
}
WEEKDAYS = {1: _("Monday"), 2: _("Tuesday"), 3: _("Wednesday"), 4: _("Thursday"),
            5: _("Friday"), 6: _("Saturday"), 7: _("Sunday")}


def validate_hours(value) -> None:
    """Opening hours: ``[{"days": [1, 2, 3, 4, 5], "opens": "08:30", "closes": "16:30"}]``,
    days numbered 1 (Monday) to 7 (Sunday), times on 24 hours, closing after opening."""
    message = _("Opening hours must be a list of days with an opening and a closing time "
                "(HH:MM), closing after opening.")
    if not isinstance(value, list):
        raise ValidationError(message, code="hours")
    for slot in value:
        if not isinstance(slot, dict) or set(slot) != {"days", "opens", "closes"}:
            raise ValidationError(message, code="hours")
        days, opens, closes = slot["days"], slot["opens"], slot["closes"]
        if (not isinstance(days, list) or not days
                or any(not isinstance(d, int) or d not in WEEKDAYS for d in days)
                or len(set(days)) != len(days)):
            raise ValidationError(message, code="hours")
        if not (isinstance(opens, str) and isinstance(closes, str) and _TIME.match(opens)
                and _TIME.match(closes) and opens < closes):
            raise ValidationError(message, code="hours")


def validate_phone(value: str) -> None:
    """A phone number Morocco can dial (national or international form)."""
    message = _("Enter a phone number, such as +212 524 00 00 00.")
    try:
        number = phonenumbers.parse(value, "MA")
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="phone")
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(message, code="phone")


def validate_languages(value) -> None:
    if not isinstance(value, list) or any(code not in LANGUAGES for code in value) \
            or len(set(value)) != len(value):
        raise ValidationError(_("Unknown language code: use %(codes)s.") % {
            "codes": ", ".join(LANGUAGES)}, code="languages")


class Centre(BilingualName):
    class Kind(models.TextChoices):
        JISR = "jisr", _("Jisr centre")
        EPS = "eps", _("Social protection establishment")
        TRAINING = "training", _("Education and training centre")
        WOMEN = "women", _("Women's multifunctional space")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        DISABILITY = "disability", _("Centre for children with disabilities")
        SHELTER = "shelter", _("Emergency shelter")
        MOBILE = "mobile", _("Mobile social emergency unit")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.JISR)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="centres",
                                verbose_name=_("commune"))
    # In the six cities divided into arrondissements, the one the centre serves. Casablanca's
    # arrondissements are grouped into prefectures of arrondissements, whose coordinators
    # supervise the centres through it (jisr.accounts.policy.centres_for); elsewhere it only
    # tells citizens where the centre is.
    arrondissement = models.ForeignKey(Arrondissement, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="centres",
                                       verbose_name=_("arrondissement"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True,
                                   blank=True, validators=[MinValueValidator(-90),
                                                           MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5,
                                    null=True, blank=True,
                                    validators=[MinValueValidator(-180),
                                                MaxValueValidator(180)])
    capacity = models.PositiveIntegerField(_("capacity (people at a time)"), null=True,
                                           blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True,
                                     validators=[validate_hours])
    # The centre's own switchboard and address: public contact details, not a person's.
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Staff data: never shown on public pages or in the public API.
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="managed_centres",
                                verbose_name=_("manager"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    AUDIT_VALUE_FIELDS = ("name_ar", "name_fr", "code", "kind", "commune", "arrondissement",
                          "status", "address", "latitude", "longitude", "capacity",
                          "opening_hours", "phone", "email", "description", "manager")

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "status"], name="centre_kind_status")]

    @property
    def hsds_id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"centre:{self.code}"))

    @property
    def supervising_province(self) -> Province:
        """The province or prefecture whose coordinators supervise the centre: in Casablanca
        its arrondissement's prefecture of arrondissements, elsewhere its commune's."""
        if self.arrondissement_id is not None and self.arrondissement.prefecture_id:
            return self.arrondissement.prefecture
        return self.commune.province

    def clean(self) -> None:
        if self.arrondissement_id is not None and self.commune_id is not None \
                and self.arrondissement.commune_id != self.commune_id:
            raise ValidationError({"arrondissement": _(
                "This arrondissement is not in the centre's commune.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or "
                                                  "neither.")})
        if self.manager_id is not None:
            from jisr.accounts.roles import Role

            manager = self.manager
            if manager.role != Role.CENTRE_MANAGER or manager.centre_id != self.pk:
                raise ValidationError({"manager": _(
                    "The manager must be a centre manager of this centre.")})


class PartnerOrganisation(BilingualName):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        COMMUNE = "commune", _("Commune")
        HOSPITAL = "hospital", _("Hospital")
        SCHOOL = "school", _("School")
        COOPERATIVE_SUPPORT = "cooperative_support", _("Cooperative support body")
        ADS = "ads", _("Social Development Agency")
        COMPANY = "company", _("Private company")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices,
                            default=Kind.ASSOCIATION)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partners",
                               verbose_name=_("region served"))
    # Empty: the whole region.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="partners",
                                 verbose_name=_("province served"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="partner_seats", verbose_name=_("seat"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The organisation's public contact details.
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The named contact person for referrals: personal data, for staff only.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=32, blank=True,
                                     validators=[validate_phone])
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    AUDIT_VALUE_FIELDS = ("name_ar", "name_fr", "code", "kind", "region", "province",
                          "commune", "address", "description", "phone", "email", "website")

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind"], name="partner_kind")]

    @property
    def hsds_id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"partner:{self.code}"))

    def clean(self) -> None:
        if self.province_id and self.region_id and self.province.region_id != self.region_id:
            raise ValidationError({"province": _("This province is not in the region "
                                                 "served.")})
        if self.commune_id and self.region_id and \
                self.commune.province.region_id != self.region_id:
            raise ValidationError({"commune": _("The seat must be in the region served.")})


class ServiceDomain(BilingualName):
    """A domain of the service taxonomy (reception and listening, health, housing…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service domain")
        verbose_name_plural = _("service domains")
        ordering = ["position", "code"]

    @property
    def hsds_id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"domain:{self.code}"))


class Service(BilingualName):
    """An entry of the national service catalogue, offered by many centres and partners."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    domain = models.ForeignKey(ServiceDomain, on_delete=models.PROTECT,
                               related_name="services", verbose_name=_("domain"))
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["domain__position", "code"]

    @property
    def hsds_id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"service:{self.code}"))

    @property
    def description(self) -> str:
        from django.utils.translation import get_language

        arabic = (get_language() or "ar").startswith("ar")
        return (self.description_ar if arabic else self.description_fr) or \
            self.description_fr or self.description_ar


class ServiceOffering(models.Model):
    """A catalogue service delivered at a centre or by a partner, with its own conditions."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    # The offering's id in the HSDS export and for outside systems, stable across servers.
    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True,
                            editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="offerings",
                                verbose_name=_("service"))
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="offerings", verbose_name=_("centre"))
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="offerings",
                                verbose_name=_("partner organisation"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    eligibility = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True,
                                 validators=[validate_languages])
    # Empty: the centre's opening hours.
    schedule = models.JSONField(_("schedule"), default=list, blank=True,
                                validators=[validate_hours])
    capacity = models.PositiveIntegerField(_("capacity (people at a time)"), null=True,
                                           blank=True)
    waiting_list = models.PositiveIntegerField(_("people on the waiting list"), default=0)
    # The deadline later given to referrals to this offering.
    response_days = models.PositiveSmallIntegerField(
        _("response time (days)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    # The delivery deadline of a referral it accepts (the receiver may agree another one when
    # accepting); empty: JISR_REFERRAL_DELIVERY_DAYS.
    delivery_days = models.PositiveSmallIntegerField(
        _("deliver within (days)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    AUDIT_VALUE_FIELDS = ("service", "centre", "partner", "status", "eligibility",
                          "minimum_age", "maximum_age", "languages", "schedule", "capacity",
                          "waiting_list", "response_days", "delivery_days")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["service__domain__position", "service__code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(centre__isnull=False, partner__isnull=True)
                           | models.Q(centre__isnull=True, partner__isnull=False)),
                name="offering_by_centre_or_partner"),
            models.UniqueConstraint(fields=["service", "centre"],
                                    condition=models.Q(centre__isnull=False),
                                    name="offering_unique_at_centre"),
            models.UniqueConstraint(fields=["service", "partner"],
                                    condition=models.Q(partner__isnull=False),
                                    name="offering_unique_by_partner"),
        ]
        indexes = [models.Index(fields=["service", "status"], name="offering_service_status")]

    def __str__(self) -> str:
        return f"{self.service} – {self.provider}"

    @property
    def provider(self):
        return self.centre if self.centre_id else self.partner

    @property
    def delivery_days_or_default(self) -> int:
        """Days an accepted referral has to be delivered, unless agreed otherwise."""
        return self.delivery_days or settings.JISR_REFERRAL_DELIVERY_DAYS

    @property
    def hsds_id(self) -> str:
        return str(self.uuid)

    def clean(self) -> None:
        if bool(self.centre_id) == bool(self.partner_id):
            raise ValidationError(_("An offering is delivered either at a centre or by a "
                                    "partner organisation."))
        if self.minimum_age is not None and self.maximum_age is not None \
                and self.minimum_age > self.maximum_age:
            raise ValidationError({"maximum_age": _("The maximum age is below the minimum "
                                                    "age.")})
