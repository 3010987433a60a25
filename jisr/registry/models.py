"""The beneficiary registry: persons, their documents, phones and consents, the centres that
follow them, households and membership over time, and sensitive details encrypted at rest.

Identity is national (one person exists once in the network); what a centre does with the
person (cases, notes) lives in later apps, which point at :class:`Person`. Every foreign key
to Person is found by :func:`person_references`, so merging two records can re-point all of
them (docs/registry.md, "Merging").
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jisr.core.crypto import EncryptedJSONField, EncryptedTextField
from jisr.registry import identifiers


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Language(models.TextChoices):
    DARIJA = "ary", _("Moroccan Arabic (Darija)")
    TAMAZIGHT = "tzm", _("Tamazight")
    TACHELHIT = "shi", _("Tachelhit")
    TARIFIT = "rif", _("Tarifit")
    HASSANIYA = "mey", _("Hassaniya")
    ARABIC = "ar", _("Standard Arabic")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    SIGN = "sgn", _("Sign language")
    OTHER = "other", _("Other language")


class Vulnerability(models.TextChoices):
    ELDERLY = "elderly", _("Elderly person")
    DISABILITY = "disability", _("Person with a disability")
    ORPHAN = "orphan", _("Orphan")
    WOMAN_DIFFICULT_SITUATION = "woman_difficult_situation", _(
        "Woman in a difficult situation")
    HOMELESS = "homeless", _("Homeless person")
    STREET_CHILD = "street_child", _("Child in a street situation")
    MIGRANT = "migrant", _("Migrant")
    NEEDY_FAMILY = "needy_family", _("Needy family")
    ABANDONED_CHILD = "abandoned_child", _("Abandoned child")
    SINGLE_MOTHER = "single_mother", _("Single mother")


class DisabilityType(models.TextChoices):
    MOTOR = "motor", _("Motor")
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    INTELLECTUAL = "intellectual", _("Intellectual")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    AUTISM = "autism", _("Autism spectrum")
    MULTIPLE = "multiple", _("Multiple")


class ProtectionCategory(models.TextChoices):
    VIOLENCE_VICTIM = "violence_victim", _("Victim of violence")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Victim of domestic violence")
    CHILD_PROTECTION = "child_protection", _("Child in need of protection")
    TRAFFICKING = "trafficking", _("Victim of trafficking")
    ADDICTION = "addiction", _("Addiction")
    IN_CONFLICT_WITH_LAW = "in_conflict_with_law", _("In conflict with the law")


def _validate_choice_list(value, choices: type[models.TextChoices], message) -> None:
    if not isinstance(value, list) or len(set(value)) != len(value) or any(
            item not in choices.values for item in value):
        raise ValidationError(message, code="choices")


def validate_languages(value) -> None:
    _validate_choice_list(value, Language, _("Choose languages from the list."))


def validate_vulnerabilities(value) -> None:
    _validate_choice_list(value, Vulnerability,
                          _("Choose vulnerability categories from the list."))


def validate_disability_types(value) -> None:
    _validate_choice_list(value, DisabilityType, _("Choose types of disability from the list."))


def validate_protection(value) -> None:
    _validate_choice_list(value, ProtectionCategory,
                          _("Choose protection categories from the list."))


class Person(models.Model):
    """One person of the network, known by their names in both scripts.

    ``name_key`` is derived from the names by the services (identifiers.name_key) and serves
    the search; ``birth_year`` is kept even when the full date is known, so "name with birth
    year" searches one indexed column.
    """

    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=100, blank=True)
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=100, blank=True)
    mother_name_ar = models.CharField(_("mother's name (Arabic)"), max_length=100, blank=True)
    first_name_lat = models.CharField(_("first name (Latin)"), max_length=100, blank=True)
    family_name_lat = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    father_name_lat = models.CharField(_("father's name (Latin)"), max_length=100, blank=True)
    mother_name_lat = models.CharField(_("mother's name (Latin)"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_approximate = models.BooleanField(_("approximate"), default=False, help_text=_(
        "The date or year is an estimate (no birth certificate)."))
    languages = models.JSONField(_("languages spoken"), default=list, blank=True,
                                 validators=[validate_languages])
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    vulnerabilities = models.JSONField(_("vulnerability categories"), default=list,
                                       blank=True, validators=[validate_vulnerabilities])
    registered_at = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("registered at"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("registered by"))
    name_key = models.TextField(editable=False, blank=True)
    # Set by a merge (registry/merging.py): the record stays, hidden, so an unmerge can
    # bring it back with all its links.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    editable=False, related_name="+",
                                    verbose_name=_("merged into"))
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Only what says nothing about the person's life; names, dates and places stay out.
    AUDIT_VALUE_FIELDS = ("registered_at",)
    NAME_FIELDS = ("first_name_ar", "family_name_ar", "father_name_ar", "mother_name_ar",
                   "first_name_lat", "family_name_lat", "father_name_lat", "mother_name_lat")
    # What display_name reads: a list showing names loads these only (``only()``)
    DISPLAY_NAME_FIELDS = ("first_name_ar", "family_name_ar", "first_name_lat",
                           "family_name_lat")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name_lat", "first_name_lat", "family_name_ar", "pk"]
        indexes = [models.Index(fields=["birth_year"], name="person_birth_year"),
                   models.Index(fields=["commune", "birth_year"], name="person_commune"),
                   # The few persons without a full birth date, whom the live check's
                   # name-only keys pair a dated draft with (registry/duplicates.py).
                   models.Index(fields=["id"], condition=Q(birth_date__isnull=True),
                                name="person_undated")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def name_ar(self) -> str:
        return " ".join(n for n in (self.first_name_ar, self.family_name_ar) if n)

    @property
    def name_lat(self) -> str:
        return " ".join(n for n in (self.first_name_lat, self.family_name_lat) if n)

    @property
    def display_name(self) -> str:
        return self.display_name_of(*(getattr(self, f) for f in self.DISPLAY_NAME_FIELDS))

    @staticmethod
    def display_name_of(first_name_ar: str, family_name_ar: str, first_name_lat: str,
                        family_name_lat: str) -> str:
        """``display_name`` of the values of DISPLAY_NAME_FIELDS (a list read as values)."""
        name_ar = " ".join(n for n in (first_name_ar, family_name_ar) if n)
        name_lat = " ".join(n for n in (first_name_lat, family_name_lat) if n)
        arabic = (get_language() or "ar").startswith("ar")
        return (name_ar if arabic else name_lat) or name_lat or name_ar

    @property
    def language_labels(self) -> list[str]:
        return [Language(c).label for c in self.languages if c in Language.values]

    @property
    def vulnerability_labels(self) -> list[str]:
        return [Vulnerability(c).label for c in self.vulnerabilities
                if c in Vulnerability.values]

    @property
    def birth_display(self) -> str:
        if self.birth_date:
            text = self.birth_date.isoformat()
        elif self.birth_year:
            text = str(self.birth_year)
        else:
            return ""
        return f"~{text}" if self.birth_approximate else text

    def clean(self) -> None:
        errors = {}
        if not ((self.first_name_ar or self.first_name_lat)
                and (self.family_name_ar or self.family_name_lat)):
            errors["family_name_lat"] = _("Give the first and family names in at least one "
                                          "script.")
        today = timezone.localdate()
        if self.birth_date:
            if self.birth_date > today or self.birth_date.year < 1900:
                errors["birth_date"] = _("The date of birth must be between 1900 and today.")
            elif self.birth_year and self.birth_year != self.birth_date.year:
                errors["birth_year"] = _("The year of birth differs from the date of birth.")
            else:
                self.birth_year = self.birth_date.year
        elif self.birth_year is None:
            errors["birth_year"] = _("Give the date of birth, or at least an (approximate) "
                                     "year.")
        elif not 1900 <= self.birth_year <= today.year:
            errors["birth_year"] = _("The year of birth must be between 1900 and this year.")
        if errors:
            raise ValidationError(errors)
        self.name_key = identifiers.name_key(*(getattr(self, f) for f in self.NAME_FIELDS))


class IdentityDocument(models.Model):
    """An identifier of the person, or the fact that they have none (children, people
    without papers), recorded as such with the reason."""

    class Kind(models.TextChoices):
        CIN = "cin", _("National identity card (CIN)")
        RNP = "rnp", _("National population register (RNP) identifier")
        RSU = "rsu", _("Unified social register (RSU) household identifier")
        PASSPORT = "passport", _("Passport")
        RESIDENCE_CARD = "residence_card", _("Residence card")
        NONE = "none", _("No document")

    class NoneReason(models.TextChoices):
        CHILD = "child", _("Child without a document of their own")
        NO_PAPERS = "no_papers", _("Never had papers")
        LOST = "lost", _("Lost or stolen")
        REFUSED = "refused", _("Declined to show")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents",
                               verbose_name=_("person"))
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=30, blank=True)
    country = models.CharField(_("issuing country"), max_length=2, blank=True, help_text=_(
        "Two-letter code, for passports and residence cards (e.g. SN, CI, SY)."))
    none_reason = models.CharField(_("why there is none"), max_length=20, blank=True,
                                   choices=NoneReason.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    AUDIT_VALUE_FIELDS = ("person", "kind")
    NORMALISERS = {Kind.CIN: identifiers.normalise_cin, Kind.RNP: identifiers.normalise_digits,
                   Kind.RSU: identifiers.normalise_digits,
                   Kind.PASSPORT: identifiers.normalise_document,
                   Kind.RESIDENCE_CARD: identifiers.normalise_document}

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["kind", "pk"]
        constraints = [
            # A CIN or an RNP number belongs to one person in the whole network: a second
            # registration with it is a duplicate, refused at the database.
            models.UniqueConstraint(fields=["kind", "number"],
                                    condition=Q(kind__in=["cin", "rnp"]),
                                    name="document_unique_national_number"),
            models.UniqueConstraint(fields=["person", "kind", "number", "country"],
                                    name="document_unique_per_person"),
        ]
        indexes = [models.Index(fields=["number"], name="document_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.masked}"

    @property
    def masked(self) -> str:
        return identifiers.mask(self.number)

    def clean(self) -> None:
        if self.kind == self.Kind.NONE:
            if self.number:
                raise ValidationError({"number": _("No number for “no document”.")})
            if not self.none_reason:
                raise ValidationError({"none_reason": _("Say why the person has no "
                                                        "document.")})
            return
        if self.none_reason:
            self.none_reason = ""
        normalise = self.NORMALISERS.get(self.kind)
        if normalise is None:
            return
        if not self.number:
            raise ValidationError({"number": _("Give the document's number.")})
        try:
            self.number = normalise(self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages})
        self.country = self.country.upper().strip()
        if self.kind in (self.Kind.PASSPORT, self.Kind.RESIDENCE_CARD) and self.country \
                and not (len(self.country) == 2 and self.country.isalpha()):
            raise ValidationError({"country": _("Use the two-letter country code.")})


class Phone(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        LANDLINE = "landline", _("Landline")
        RELATIVE = "relative", _("A relative's or neighbour's")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones",
                               verbose_name=_("person"))
    number = models.CharField(_("phone"), max_length=20)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices,
                            default=Kind.MOBILE)
    note = models.CharField(_("note"), max_length=120, blank=True, help_text=_(
        "Whose phone it is, when to call."))

    AUDIT_VALUE_FIELDS = ("person", "kind")

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["person", "number"],
                                               name="phone_unique_per_person")]
        indexes = [models.Index(fields=["number"], name="phone_number")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        try:
            self.number = identifiers.normalise_phone(self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages})


class PersonFollow(models.Model):
    """A centre follows (or followed) the person. Registration opens one; cases will open
    and close them. It decides who sees the person's record (accounts.policy.persons_for)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follows",
                               verbose_name=_("person"))
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("centre"))
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    AUDIT_VALUE_FIELDS = ("person", "centre", "since", "until")

    class Meta:
        verbose_name = _("follow-up by a centre")
        verbose_name_plural = _("follow-ups by centres")
        ordering = ["-since", "pk"]
        constraints = [models.UniqueConstraint(fields=["person", "centre"],
                                               condition=Q(until__isnull=True),
                                               name="follow_one_open_per_centre")]
        indexes = [models.Index(fields=["centre", "person"], name="follow_centre")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.centre_id}"


class Household(models.Model):
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    registered_at = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("registered at"))
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    AUDIT_VALUE_FIELDS = ("registered_at",)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["pk"]

    def __str__(self) -> str:
        return _("Household %(number)s") % {"number": self.pk}


class HouseholdMembership(models.Model):
    """A person's place in a household for a period: closing one and opening another is a
    move, so the history stays."""

    class Relationship(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        NOT_RELATED = "not_related", _("Not related")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships",
                               verbose_name=_("person"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE,
                                  related_name="memberships", verbose_name=_("household"))
    relationship = models.CharField(_("relationship to the head"), max_length=20,
                                    choices=Relationship.choices)
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(_("until"), null=True, blank=True)

    AUDIT_VALUE_FIELDS = ("person", "household", "start", "end")

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        ordering = ["start", "pk"]
        constraints = [
            # A person lives in one household at a time; a move closes the previous stay.
            models.UniqueConstraint(fields=["person"], condition=Q(end__isnull=True),
                                    name="membership_one_open_per_person"),
            models.UniqueConstraint(fields=["household"],
                                    condition=Q(end__isnull=True, relationship="head"),
                                    name="membership_one_head"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F(
                "start")), name="membership_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"


class Consent(models.Model):
    """Consent for one purpose (law 09-08): given, by which means, recorded by whom; a
    withdrawal is recorded on the same row and the services stop relying on it."""

    class Purpose(models.TextChoices):
        CASE_FOLLOW_UP = "case_follow_up", _("Follow-up of the case")
        PARTNER_SHARING = "partner_sharing", _("Sharing with a partner")
        SMS_CONTACT = "sms_contact", _("Contact by SMS")
        STATISTICS = "statistics", _("Statistics")

    class Method(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        THUMBPRINT = "thumbprint", _("Thumbprint")
        ORAL_WITH_WITNESS = "oral_with_witness", _("Oral, with a witness")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents",
                               verbose_name=_("person"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    method = models.CharField(_("how it was given"), max_length=20, choices=Method.choices)
    witness_name = models.CharField(_("witness"), max_length=200, blank=True)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("centre"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("withdrawal recorded by"))

    AUDIT_VALUE_FIELDS = ("person", "purpose", "method", "given_at", "centre",
                          "withdrawn_at")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["purpose", "-given_at"]
        constraints = [models.UniqueConstraint(fields=["person", "purpose"],
                                               condition=Q(withdrawn_at__isnull=True),
                                               name="consent_one_active_per_purpose")]

    def __str__(self) -> str:
        return str(self.get_purpose_display())

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def clean(self) -> None:
        if self.method == self.Method.ORAL_WITH_WITNESS and not self.witness_name.strip():
            raise ValidationError({"witness_name": _("An oral consent needs the name of its "
                                                     "witness.")})
        if self.given_at and self.given_at > timezone.now() + timedelta(minutes=5):
            raise ValidationError({"given_at": _("A consent cannot be given in the future.")})


class SensitiveDetails(models.Model):
    """Health, disability and protection details: encrypted at rest, each reading audited
    (registry.selectors.person_sensitive_get), shown only to roles holding
    ``registry.view_sensitive``."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="sensitive",
                                  verbose_name=_("person"))
    disability_types = EncryptedJSONField(_("types of disability"), default=list, blank=True,
                                          validators=[validate_disability_types])
    disability_details = EncryptedTextField(_("disability details"), blank=True, default="")
    health_details = EncryptedTextField(_("health details"), blank=True, default="")
    protection_categories = EncryptedJSONField(_("protection categories"), default=list,
                                               blank=True, validators=[validate_protection])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    AUDIT_VALUE_FIELDS = ("person",)
    FIELDS = ("disability_types", "disability_details", "health_details",
              "protection_categories")

    class Meta:
        verbose_name = _("sensitive details")
        verbose_name_plural = _("sensitive details")

    def __str__(self) -> str:
        return str(_("Sensitive details"))

    @property
    def disability_labels(self) -> list[str]:
        return [DisabilityType(c).label for c in self.disability_types
                if c in DisabilityType.values]

    @property
    def protection_labels(self) -> list[str]:
        return [ProtectionCategory(c).label for c in self.protection_categories
                if c in ProtectionCategory.values]


class BreakGlassGrant(models.Model):
    """Emergency access of one worker to a person outside their scope, for a limited time,
    with the written reason; created only by registry.services.break_the_glass."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("staff member"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("person"))
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    AUDIT_VALUE_FIELDS = ("user", "person", "expires_at")

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id}"


def person_references() -> list[models.ForeignKey]:
    """Every foreign key (of any app) that points at Person: what a merge must re-point.

    Found from the models themselves rather than a hand-kept list, so a later app's
    ``ForeignKey(Person)`` is included without anyone remembering to register it. The
    merge's own bookkeeping (the pair reviewed, the merge record, ``merged_into``) and the
    matching keys (recomputed, not moved) are left out.
    """
    # include_hidden: a reference declared with related_name="+" must be re-pointed too.
    return [rel.field for rel in Person._meta.get_fields(include_hidden=True)
            if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
            and rel.field.model not in _MERGE_BOOKKEEPING
            and rel.field is not Person._meta.get_field("merged_into")]


class PersonMatchKey(models.Model):
    """One blocking key of the matching engine for a person (see registry/duplicates.py):
    the candidates of a draft registration are the persons sharing a key with it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("matching key")
        verbose_name_plural = _("matching keys")
        # The live check reads (key, person) pairs of a few keys: answered from the index
        # alone. (A plain db_index on key would also add a LIKE index nothing uses.)
        indexes = [models.Index(fields=["key", "person"], name="matchkey_key_person")]

    def __str__(self) -> str:
        return self.key


# --- duplicate review and merges ---------------------------------------------------------

class DuplicateScan(models.Model):
    """One run of batch duplicate detection over the whole registry (identity is national);
    started from the review queue or ``jisr find-duplicates``, run by a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        LOAD = "load", _("Reading the registry")
        BLOCK = "block", _("Grouping similar names")
        COMPARE = "compare", _("Comparing persons")
        SAVE = "save", _("Saving the pairs to review")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    phase = models.CharField(_("step"), max_length=10, choices=Phase.choices, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(_("persons compared"), default=0)
    pairs_found = models.PositiveIntegerField(_("pairs found"), default=0)
    pairs_new = models.PositiveIntegerField(_("new pairs to review"), default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    AUDIT_VALUE_FIELDS = ("status", "persons", "pairs_found", "pairs_new")

    class Meta:
        verbose_name = _("duplicate scan")
        verbose_name_plural = _("duplicate scans")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DuplicatePair(models.Model):
    """Two persons the matching engine judged the same (``match``) or worth a look
    (``review``), waiting for a person's decision. ``person_a`` has the lower id."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        CONFIRMED = "confirmed", _("Same person")
        DISMISSED = "dismissed", _("Different persons")
        MERGED = "merged", _("Merged")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("engine's decision"), max_length=10)
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    found_by = models.ForeignKey(DuplicateScan, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    AUDIT_VALUE_FIELDS = ("person_a", "person_b", "status", "score")

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")),
                                   name="duplicate_pair_ordered")]
        indexes = [models.Index(fields=["status", "-score"], name="duplicate_pair_queue")]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id}"

    def other(self, person_id: int) -> int:
        return self.person_b_id if person_id == self.person_a_id else self.person_a_id


class PersonMerge(models.Model):
    """One merge of ``absorbed`` into ``survivor``, with everything needed to undo it: the
    survivor's values before, the rows re-pointed, the reviewed pair's state before."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("record kept"))
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("record merged into it"))
    pair = models.ForeignKey(DuplicatePair, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    choices = models.JSONField(default=dict)  # field -> "survivor" | "absorbed"
    survivor_before = EncryptedJSONField(default=dict)  # personal data: encrypted at rest
    moved = models.JSONField(default=list)  # [[app_label.model, field, pk], ...]
    pair_before = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("merged by"))
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("undone by"))
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undo_reason = models.TextField(_("reason for undoing"), blank=True)

    AUDIT_VALUE_FIELDS = ("survivor", "absorbed", "pair", "undone_at")

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.survivor_id}"

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


_MERGE_BOOKKEEPING = (PersonMatchKey, DuplicatePair, PersonMerge)
