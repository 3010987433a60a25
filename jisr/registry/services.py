"""Writes on persons: registration, identity, documents, phones, consents, sensitive details
and emergency access. Each is atomic, validated, checked against the policy and audited
with the names of the fields changed (values only for non-personal fields, see each
model's ``AUDIT_VALUE_FIELDS``). Households are in households.py."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.roles import Role, ScopeKind
from jisr.core import audit
from jisr.core.exceptions import AccessDenied, DomainError, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.notifications.services import notify_staff
from jisr.registry.duplicates import person_match_keys_refresh
from jisr.registry.models import (
    BreakGlassGrant,
    Consent,
    IdentityDocument,
    Person,
    PersonFollow,
    Phone,
    SensitiveDetails,
)

PERSON_FIELDS = (*Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "birth_approximate",
                 "languages", "commune", "address", "vulnerabilities")
MIN_REASON_LENGTH = 15


class ConsentMissing(DomainError):
    code = "consent_missing"
    status = 409
    default_message = _("The person has not given (or has withdrawn) consent for this "
                        "purpose.")


def full_clean(obj: models.Model, *, exclude: tuple[str, ...] = (),
               constraints: bool = True) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=constraints)
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict)


def _save(obj: models.Model, **kwargs) -> None:
    """Save, turning a unique constraint the validation could not see coming (a race with
    another registration) into the domain's refusal."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise DomainError(_("This conflicts with a record saved in the meantime (the same "
                            "identifier, or an open membership); reload and retry."),
                          code="conflict")


def _user_centre(user):
    if user.scope_kind != ScopeKind.CENTRE or user.centre_id is None:
        raise AccessDenied(_("Only staff of a centre register persons."))
    return user.centre


@transaction.atomic
def person_create(*, actor, documents: list[dict] | None = None,
                  phones: list[dict] | None = None, **values) -> Person:
    """Register a person at the actor's centre, which then follows them. ``documents`` and
    ``phones`` are lists of field dicts (kind/number…) saved with the person."""
    policy.check_perm(actor, "registry.register_person")
    centre = _user_centre(actor)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationFailed(fields={n: [_("This field cannot be set.")] for n in unknown})
    person = Person(registered_at=centre, registered_by=actor, **values)
    full_clean(person)
    _save(person)
    PersonFollow.objects.create(person=person, centre=centre)
    audit.record(actor=actor, action="registry.person.create", obj=person,
                 after=audit.snapshot(person, (*PERSON_FIELDS, "registered_at")))
    # Errors of a document or phone are reported under "documents" / "phones", the names
    # the registration form and the API give those lists.
    for group, items, add in (("documents", documents, _document_add),
                              ("phones", phones, _phone_add)):
        for item in items or []:
            try:
                add(actor=actor, person=person, **item)
            except ValidationFailed as exc:
                raise ValidationFailed(fields={group: [m for msgs in exc.fields.values()
                                                       for m in msgs]})
    person_match_keys_refresh(person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **changes) -> Person:
    policy.check_person_perm(actor, "registry.edit_person", person)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationFailed(fields={n: [_("This field cannot be changed.")]
                                       for n in sorted(unknown)})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person, PERSON_FIELDS)
    for name, value in changes.items():
        setattr(person, name, value)
    if "birth_date" in changes and changes["birth_date"] and "birth_year" not in changes:
        person.birth_year = None  # follows the new date (Person.clean)
    full_clean(person)
    _save(person)
    after = audit.snapshot(person, PERSON_FIELDS)
    if before != after:
        audit.record(actor=actor, action="registry.person.update", obj=person, before=before,
                     after=after)
        person_match_keys_refresh(person)
    return person


def _document_add(*, actor, person: Person, kind: str, number: str = "", country: str = "",
                  none_reason: str = "") -> IdentityDocument:
    document = IdentityDocument(person=person, kind=kind, number=number or "",
                                country=country or "", none_reason=none_reason or "",
                                recorded_by=actor)
    # The national uniqueness is checked below with a message that tells what to do; the
    # database constraint stays the guard against two registrations racing.
    full_clean(document, exclude=("person",), constraints=False)
    if document.kind in (IdentityDocument.Kind.CIN, IdentityDocument.Kind.RNP) and \
            IdentityDocument.objects.filter(kind=document.kind, number=document.number
                                            ).exists():
        # Said without telling whose it is: the national search by this number shows the
        # identity card to those allowed to see it.
        raise ValidationFailed(fields={"number": [_(
            "A person with this number is already registered: search for it before "
            "registering.")]})
    if document.kind != IdentityDocument.Kind.NONE:
        # A real document replaces an earlier "no document" record of the same person.
        IdentityDocument.objects.filter(person=person, kind=IdentityDocument.Kind.NONE
                                        ).delete()
    _save(document)
    audit.record(actor=actor, action="registry.document.add", obj=document,
                 after=audit.snapshot(document, ("person", "kind", "number", "country",
                                                 "none_reason")))
    return document


@transaction.atomic
def identity_document_add(*, actor, person: Person, kind: str, number: str = "",
                          country: str = "", none_reason: str = "") -> IdentityDocument:
    policy.check_person_perm(actor, "registry.edit_person", person)
    document = _document_add(actor=actor, person=person, kind=kind, number=number,
                             country=country, none_reason=none_reason)
    person_match_keys_refresh(person)
    return document


@transaction.atomic
def identity_document_remove(*, actor, document: IdentityDocument, reason: str = "") -> None:
    policy.check_person_perm(actor, "registry.edit_person", document.person)
    audit.record(actor=actor, action="registry.document.remove", obj=document,
                 before=audit.snapshot(document, ("person", "kind", "number")), reason=reason)
    document.delete()
    person_match_keys_refresh(document.person)


def _phone_add(*, actor, person: Person, number: str, kind: str = Phone.Kind.MOBILE,
               note: str = "") -> Phone:
    phone = Phone(person=person, number=number, kind=kind, note=note or "")
    full_clean(phone, exclude=("person",))
    if Phone.objects.filter(person=person, number=phone.number).exists():
        raise ValidationFailed(fields={"number": [_("This phone is already recorded.")]})
    _save(phone)
    audit.record(actor=actor, action="registry.phone.add", obj=phone,
                 after=audit.snapshot(phone, ("person", "number", "kind", "note")))
    return phone


@transaction.atomic
def phone_add(*, actor, person: Person, number: str, kind: str = Phone.Kind.MOBILE,
              note: str = "") -> Phone:
    policy.check_person_perm(actor, "registry.edit_person", person)
    phone = _phone_add(actor=actor, person=person, number=number, kind=kind, note=note)
    person_match_keys_refresh(person)
    return phone


@transaction.atomic
def phone_remove(*, actor, phone: Phone) -> None:
    policy.check_person_perm(actor, "registry.edit_person", phone.person)
    audit.record(actor=actor, action="registry.phone.remove", obj=phone,
                 before=audit.snapshot(phone, ("person", "number", "kind")))
    phone.delete()
    person_match_keys_refresh(phone.person)


@transaction.atomic
def person_follow_start(*, actor, person: Person, centre) -> PersonFollow:
    """The centre starts following the person (the cases app calls this when it opens a
    case); a centre already following them keeps its open follow-up."""
    existing = PersonFollow.objects.filter(person=person, centre=centre, until=None).first()
    if existing:
        return existing
    follow = PersonFollow(person=person, centre=centre)
    full_clean(follow)
    _save(follow)
    audit.record(actor=actor, action="registry.follow.start", obj=follow,
                 after=audit.snapshot(follow, ("person", "centre", "since")))
    return follow


# --- consent ---------------------------------------------------------------------------

@transaction.atomic
def consent_record(*, actor, person: Person, purpose: str, method: str,
                   witness_name: str = "", given_at=None) -> Consent:
    policy.check_person_perm(actor, "registry.edit_person", person)
    centre = _user_centre(actor)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one recorder at a time
    if Consent.objects.filter(person=person, purpose=purpose, withdrawn_at=None).exists():
        raise ValidationFailed(fields={"purpose": [_("Consent for this purpose is already "
                                                     "recorded.")]})
    consent = Consent(person=person, purpose=purpose, method=method,
                      witness_name=witness_name or "", given_at=given_at or timezone.now(),
                      recorded_by=actor, centre=centre)
    full_clean(consent)
    _save(consent)
    audit.record(actor=actor, action="registry.consent.record", obj=consent,
                 after=audit.snapshot(consent, ("person", "purpose", "method", "witness_name",
                                                "given_at", "centre")))
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, reason: str = "") -> Consent:
    policy.check_person_perm(actor, "registry.edit_person", consent.person)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise DomainError(_("This consent was already withdrawn."), code="already_withdrawn")
    before = audit.snapshot(consent, ("withdrawn_at", "withdrawn_by"))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(actor=actor, action="registry.consent.withdraw", obj=consent, before=before,
                 after=audit.snapshot(consent, ("withdrawn_at", "withdrawn_by")),
                 reason=reason)
    return consent


def consent_check(person: Person, purpose: str) -> Consent:
    """The person's active consent for the purpose, or ConsentMissing: services that need
    consent (sharing with a partner, sending an SMS…) call this before acting."""
    consent = Consent.objects.filter(person=person, purpose=purpose,
                                     withdrawn_at=None).first()
    if consent is None:
        label = Consent.Purpose(purpose).label if purpose in Consent.Purpose.values else purpose
        raise ConsentMissing(_("No consent of the person for “%(purpose)s”: record it (or "
                               "ask again) before going on.") % {"purpose": label})
    return consent


# --- sensitive details -----------------------------------------------------------------

@transaction.atomic
def person_sensitive_update(*, actor, person: Person, **changes) -> SensitiveDetails:
    policy.check_person_perm(actor, "registry.view_sensitive", person)
    policy.check_perm(actor, "registry.edit_person")
    unknown = set(changes) - set(SensitiveDetails.FIELDS)
    if unknown:
        raise ValidationFailed(fields={n: [_("This field cannot be changed.")]
                                       for n in sorted(unknown)})
    details, _created = SensitiveDetails.objects.select_for_update().get_or_create(
        person=person)
    before = audit.snapshot(details, SensitiveDetails.FIELDS)
    for name, value in changes.items():
        setattr(details, name, value)
    full_clean(details, exclude=("person",))
    details.save()
    after = audit.snapshot(details, SensitiveDetails.FIELDS)
    if before != after:
        audit.record(actor=actor, action="registry.person.sensitive.update", obj=details,
                     before=before, after=after)
    return details


# --- break the glass -------------------------------------------------------------------

def _managers_to_notify(person: Person) -> list:
    from jisr.accounts.models import User

    open_follows = PersonFollow.objects.filter(person=person, until=None).values("centre_id")
    centres = set(open_follows.values_list("centre_id", flat=True)) or {person.registered_at_id}
    return list(User.objects.filter(role=Role.CENTRE_MANAGER, centre_id__in=centres,
                                    is_active=True).exclude(email="").select_related("centre"))


def _notify_managers(*, grant: BreakGlassGrant, managers: list, base_url: str) -> None:
    path = reverse("registry:person_detail", args=[grant.person_id])
    notify_staff(managers, event="registry.break_the_glass", key=f"grant:{grant.pk}",
                 template="registry/email/break_glass", related=grant, link_url=path,
                 context={"grant": grant, "actor": grant.user,
                          "link": base_url.rstrip("/") + path},
                 actor=grant.user, language=translation.get_language())


@transaction.atomic
def break_the_glass(*, actor, person_id, reason: str, base_url: str = "") -> BreakGlassGrant:
    """Give the actor temporary access to a person followed elsewhere, for the written
    reason; audited as a security event and reported by e-mail to the manager(s) of the
    centres following the person."""
    policy.check_perm(actor, "registry.break_the_glass")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(fields={"reason": [_(
            "Write the reason in a full sentence (at least %(n)s characters): it is sent "
            "to the centre's manager.") % {"n": MIN_REASON_LENGTH}]})
    try:
        person = Person.objects.select_related("registered_at").get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound()
    if policy.persons_for(actor).filter(pk=person.pk).exists():
        raise DomainError(_("You already have access to this person."), code="in_scope")
    hours = settings.JISR_BREAK_GLASS_HOURS
    grant = BreakGlassGrant(user=actor, person=person, reason=reason,
                            expires_at=timezone.now() + timedelta(hours=hours))
    full_clean(grant, exclude=("expires_at",))
    grant.save()
    audit.record(actor=actor, action="registry.person.break_the_glass", obj=person,
                 reason=reason, kind=AuditEntry.Kind.SECURITY)
    _notify_managers(grant=grant, managers=_managers_to_notify(person), base_url=base_url)
    return grant
