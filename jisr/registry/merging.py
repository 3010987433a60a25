"""Merging two records of one person, and undoing it.

The record kept (the *survivor*) takes, field by field, the value the reviewer chose; every
row of any app that points at the other record (the *absorbed* one: documents, phones,
follows, households, consents, and later cases…, found by ``person_references``) is
re-pointed to the survivor. The absorbed record is not deleted: it is hidden
(``merged_into``) with whatever could not move (a phone both records had, say), so an
unmerge restores both records and all their links exactly. The merge record keeps the
survivor's values before (encrypted: they are personal data), the rows moved and the state
of the reviewed pair.

Identity is national: a reviewer who sees only one of the two records in full may still
merge (the other shows as its identity card), choosing only among identity fields; the
other record's local content moves with it and stays visible only to its centres, whose
managers are told by e-mail.
"""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.roles import Role
from jisr.core import audit
from jisr.core.exceptions import Conflict, NotFound, ValidationFailed
from jisr.notifications.services import notify_staff
from jisr.registry.duplicates import person_match_keys_refresh
from jisr.registry.models import (
    DuplicatePair,
    Person,
    PersonFollow,
    PersonMatchKey,
    PersonMerge,
    person_references,
)

SURVIVOR, ABSORBED = "survivor", "absorbed"
# What the reviewer chooses, and the fields each choice carries (a birth is one choice:
# its date, year and "approximate" flag go together).
CHOICES: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in Person.NAME_FIELDS},
    "sex": ("sex",),
    "birth": ("birth_date", "birth_year", "birth_approximate"),
    "commune": ("commune",),
    "address": ("address",),
    "languages": ("languages",),
    "vulnerabilities": ("vulnerabilities",),
}
# The identity card's fields (DESIGN, "Who sees what"): all a reviewer may see, and so
# choose, of a record outside their scope.
IDENTITY_CHOICES = frozenset({"first_name_ar", "family_name_ar", "first_name_lat",
                              "family_name_lat",
                              "sex", "birth", "commune"})
# Restored by an unmerge besides the chosen fields.
_DERIVED = ("name_key", "updated_at")
MIN_REASON_LENGTH = 15


def _attnames(choice: str) -> list[str]:
    return [Person._meta.get_field(f).attname for f in CHOICES[choice]]


def _dump(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _load(attname: str, value):
    field = next(f for f in Person._meta.concrete_fields if f.attname == attname)
    return field.to_python(value) if value is not None else None


def _values(person: Person) -> dict:
    names = [a for c in CHOICES for a in _attnames(c)] + list(_DERIVED)
    return {a: _dump(getattr(person, a)) for a in names}


def _lock_pair(survivor_id, absorbed_id) -> tuple[Person, Person]:
    try:
        ids = {int(survivor_id), int(absorbed_id)}
    except (TypeError, ValueError):
        raise NotFound()
    if len(ids) != 2:
        raise ValidationFailed(fields={"absorbed": [_("Choose two different records.")]})
    # Locked in id order, so two merges of the same persons cannot deadlock.
    persons = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=sorted(ids))
               .order_by("pk")}
    if len(persons) != 2:
        raise NotFound()
    survivor, absorbed = persons[int(survivor_id)], persons[int(absorbed_id)]
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise Conflict(_("One of these records has already been merged into another."))
    return survivor, absorbed


def check_choices(choices: dict, *, sees_survivor: bool, sees_absorbed: bool) -> dict:
    """Every choice named (the survivor's value where none is given); a choice of a field
    the reviewer may not see is refused."""
    errors = {}
    unknown = set(choices) - set(CHOICES)
    if unknown:
        errors["choices"] = [_("Unknown fields: %(fields)s.") % {
            "fields": ", ".join(sorted(map(str, unknown)))}]
    full = {}
    for choice in CHOICES:
        side = choices.get(choice) or SURVIVOR
        if side not in (SURVIVOR, ABSORBED):
            errors[choice] = [_("Choose the value of one of the two records.")]
            continue
        if choice not in IDENTITY_CHOICES and not (sees_survivor and sees_absorbed):
            # Local details of a record outside one's scope are neither shown nor chosen:
            # the record one sees keeps its own.
            visible_side = SURVIVOR if sees_survivor else ABSORBED
            if choice in choices and side != visible_side:
                errors[choice] = [_("You cannot choose a value you may not see.")]
                continue
            side = visible_side
        full[choice] = side
    if errors:
        raise ValidationFailed(fields=errors)
    return full


def _repoint(field, from_id: int, to_id: int) -> tuple[list, int]:
    """Move the rows of one reference from a person to another; rows that would break a
    unique rule (the same phone on both records) stay where they are."""
    manager = field.model._base_manager
    label = field.model._meta.label_lower
    pks = list(manager.filter(**{field.attname: from_id}).values_list("pk", flat=True))
    if not pks:
        return [], 0
    try:
        with transaction.atomic():
            manager.filter(pk__in=pks).update(**{field.attname: to_id})
        return [[label, field.name, pk] for pk in pks], 0
    except IntegrityError:
        pass
    moved, left = [], 0
    for pk in pks:
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{field.attname: to_id})
            moved.append([label, field.name, pk])
        except IntegrityError:
            left += 1
    return moved, left


def _pair_between(a: Person, b: Person) -> DuplicatePair | None:
    low, high = sorted((a.pk, b.pk))
    return DuplicatePair.objects.select_for_update().filter(person_a=low, person_b=high).first()


def _refresh_keys(*persons: Person) -> None:
    for person in persons:
        if Person.objects.filter(pk=person.pk, merged_into=None).exists():
            person_match_keys_refresh(person)
        else:
            PersonMatchKey.objects.filter(person=person).delete()


def _managers_of(persons, actor) -> list:
    from jisr.accounts.models import User

    centres = set(PersonFollow.objects.filter(person__in=persons).values_list("centre_id",
                                                                              flat=True))
    centres |= {p.registered_at_id for p in persons}
    return list(User.objects.filter(role=Role.CENTRE_MANAGER, centre_id__in=centres,
                                    is_active=True).exclude(email="").exclude(pk=actor.pk)
                .exclude(centre_id=getattr(actor, "centre_id", None) or 0)
                .select_related("centre"))


def _notify(*, merge: PersonMerge, managers: list, base_url: str, undo: bool) -> None:
    """Tell the managers of the other centres following either record (in their inbox and by
    e-mail), in each one's language or else that of the request that made the change."""
    path = reverse("registry:merge_detail", args=[merge.pk])
    actor = merge.undone_by if undo else merge.merged_by
    notify_staff(managers, event="registry.merge_undone" if undo else "registry.merge",
                 key=f"merge:{merge.pk}", template="registry/email/merge", related=merge,
                 link_url=path, actor=actor, language=translation.get_language(),
                 context={"merge": merge, "undo": undo, "actor": actor,
                          "link": base_url.rstrip("/") + path})


@transaction.atomic
def person_merge(*, actor, survivor_id, absorbed_id, choices: dict | None = None,
                 note: str = "", base_url: str = "") -> PersonMerge:
    """Merge ``absorbed`` into ``survivor`` with the reviewer's field-by-field choices."""
    policy.check_perm(actor, "registry.merge_persons")
    survivor, absorbed = _lock_pair(survivor_id, absorbed_id)
    visible = set(policy.persons_for(actor).filter(pk__in=[survivor.pk, absorbed.pk])
                  .values_list("pk", flat=True))
    if not visible:
        raise NotFound()
    chosen = check_choices(choices or {}, sees_survivor=survivor.pk in visible,
                           sees_absorbed=absorbed.pk in visible)
    if len((note or "").strip()) > 2000:
        raise ValidationFailed(fields={"note": [_("The note is too long (at most 2000 "
                                                  "characters).")]})
    before = _values(survivor)
    for choice, side in chosen.items():
        if side == ABSORBED:
            for attname in _attnames(choice):
                setattr(survivor, attname, getattr(absorbed, attname))
    from jisr.registry.services import full_clean

    full_clean(survivor)
    survivor.save()

    moved, left = [], 0
    for field in person_references():
        rows, stayed = _repoint(field, absorbed.pk, survivor.pk)
        moved += rows
        left += stayed
    Person.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    _refresh_keys(survivor, absorbed)

    pair = _pair_between(survivor, absorbed)
    pair_before = {}
    if pair is not None:
        pair_before = {"status": pair.status, "decided_by": pair.decided_by_id,
                       "decided_at": _dump(pair.decided_at), "note": pair.note}
        pair.status = DuplicatePair.Status.MERGED
        pair.decided_by, pair.decided_at = actor, timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])
    merge = PersonMerge.objects.create(
        survivor=survivor, absorbed=absorbed, pair=pair, choices=chosen,
        survivor_before=before, moved=moved, pair_before=pair_before,
        note=(note or "").strip(), merged_by=actor)
    audit.record(actor=actor, action="registry.person.merge", obj=merge,
                 after={"moved": len(moved), "left": left}, count=len(moved))
    _notify(merge=merge, managers=_managers_of([survivor, absorbed], actor),
                      base_url=base_url, undo=False)
    return merge


@transaction.atomic
def person_unmerge(*, actor, merge_id, reason: str, base_url: str = "") -> PersonMerge:
    """Undo a merge: both records and all their links as they were before it. Only the
    latest merge into a record can be undone (undo later ones first)."""
    from jisr.registry.selectors import merge_get_for_user

    policy.check_perm(actor, "registry.merge_persons")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(fields={"reason": [_(
            "Write the reason in a full sentence (at least %(n)s characters).") % {
                "n": MIN_REASON_LENGTH}]})
    merge = merge_get_for_user(user=actor, merge_id=merge_id)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone:
        raise Conflict(_("This merge has already been undone."))
    later = PersonMerge.objects.filter(
        Q(survivor=merge.survivor_id) | Q(absorbed=merge.survivor_id),
        undone_at=None, pk__gt=merge.pk).exists()
    if later:
        raise Conflict(_("A later merge involves this record: undo it first."))
    Person.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.absorbed_id])\
        .order_by("pk").count()

    for label, field_name, pk in merge.moved:
        model = apps.get_model(label)
        attname = model._meta.get_field(field_name).attname
        model._base_manager.filter(pk=pk, **{attname: merge.survivor_id}).update(
            **{attname: merge.absorbed_id})
    restored = {a: _load(a, v) for a, v in merge.survivor_before.items()}
    Person.objects.filter(pk=merge.survivor_id).update(**restored)
    Person.objects.filter(pk=merge.absorbed_id).update(merged_into=None)
    _refresh_keys(merge.survivor, merge.absorbed)

    if merge.pair_id and merge.pair_before:
        before = merge.pair_before
        DuplicatePair.objects.filter(pk=merge.pair_id).update(
            status=before["status"], decided_by_id=before["decided_by"],
            decided_at=_load_datetime(before["decided_at"]), note=before["note"])
    merge.undone_by, merge.undone_at, merge.undo_reason = actor, timezone.now(), reason
    merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
    audit.record(actor=actor, action="registry.person.unmerge", obj=merge, reason=reason,
                 count=len(merge.moved))
    _notify(merge=merge, managers=_managers_of([merge.survivor, merge.absorbed],
                                                         actor),
                      base_url=base_url, undo=True)
    return merge


def _load_datetime(value):
    return datetime.fromisoformat(value) if value else None


def describe(merge: PersonMerge) -> list[dict]:
    """What a merge did, without personal values: for each choice, whose value was kept;
    for each kind of linked row, how many moved."""
    from collections import Counter

    moved = Counter(label for label, _field, _pk in merge.moved)
    from jisr.registry.forms import choice_label

    rows = [{"kind": "choice", "label": choice_label(choice),
             "kept": merge.survivor_id if side == SURVIVOR else merge.absorbed_id}
            for choice, side in merge.choices.items() if side == ABSORBED]
    for label, count in sorted(moved.items()):
        rows.append({"kind": "moved", "label": apps.get_model(label)._meta.verbose_name_plural,
                     "count": count})
    return rows
