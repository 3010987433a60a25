"""Writes and audited reads of casework: notes (plain or sensitive), documents, and the
caseload handover from one worker to another (docs/casework.md).

Reads that reveal a sensitive note's text or a document's bytes go through here too
(``note_read``, ``document_open``), so each one is audited in the one place.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.cases.casework import CaseDocument, CaseNote
from jisr.cases.models import Appointment, Case, CaseEvent, Stage
from jisr.cases.services import LISTENING_ROLES, _event
from jisr.core import audit
from jisr.core.exceptions import AccessDenied, NotFound, ValidationFailed

MAX_NOTE_LENGTH = 10_000

# --- notes -------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, actor, case: Case, text: str, sensitive: bool = False) -> CaseNote:
    policy.check_case_perm(actor, "cases.write_notes", case)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(fields={"text": [_("Write the note.")]})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed(fields={"text": [_(
            "A note holds at most 10,000 characters.")]})
    note = CaseNote(case=case, author=actor, sensitive=bool(sensitive),
                    text="" if sensitive else text, secret_text=text if sensitive else None)
    note.full_clean()
    note.save()
    _event(case, actor=actor, kind=CaseEvent.Kind.NOTE,
           note=str(_("Sensitive note")) if sensitive else text[:200])
    audit.record(actor=actor, action="cases.note.add", obj=note,
                 after=audit.snapshot(note, ("case", "sensitive")))
    return note


def notes_for(*, user, case: Case) -> QuerySet[CaseNote]:
    """The notes of a case the user sees (the caller got ``case`` from cases_for). A
    sensitive note's text is not read here: see :func:`note_read`."""
    return CaseNote.objects.filter(case=case).select_related("author").defer("secret_text")


def note_readable(user, note: CaseNote) -> bool:
    return not note.sensitive or policy.can_read_sensitive_note(user, note)


def note_read(*, user, case: Case, note_id) -> CaseNote:
    """One note, with its text; a sensitive one only for its author, the assigned worker
    and the centre's manager, and each such reading is audited."""
    note = policy.get_or_404(CaseNote.objects.filter(case=case).select_related(
        "author", "case"), pk=note_id)
    if note.sensitive:
        if not policy.can_read_sensitive_note(user, note):
            raise AccessDenied(_("Only the note's author, the assigned worker and the "
                                 "centre's manager read a sensitive note."))
        audit.record_read(actor=user, obj=note, action="cases.note.read_sensitive")
    return note


# --- documents ---------------------------------------------------------------------------

# What the first bytes of an accepted file must be, by content type (the extension and the
# browser's claimed type are not trusted).
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff_content_type(head: bytes) -> str | None:
    for content_type, signatures in MAGIC.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def _allowed_types() -> list[str]:
    return [t for t in settings.JISR_DOCUMENT_TYPES if t in MAGIC]


@transaction.atomic
def document_add(*, actor, case: Case, upload, kind: str, title: str = "") -> CaseDocument:
    """Store an uploaded file (a Django UploadedFile or File) for the case. Too large, or
    not a PDF/JPEG/PNG by its first bytes: refused, nothing stored."""
    policy.check_case_perm(actor, "cases.documents", case)
    if kind not in CaseDocument.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Choose the type of document.")]})
    if upload is None:
        raise ValidationFailed(fields={"file": [_("Choose a file.")]})
    limit = settings.JISR_DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise ValidationFailed(fields={"file": [_(
            "The file is too large: at most %(limit)s MB.") % {
                "limit": f"{limit / 1_000_000:g}"}]})
    if size == 0:
        raise ValidationFailed(fields={"file": [_("The file is empty.")]})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(fields={"file": [_(
            "The file is too large: at most %(limit)s MB.") % {
                "limit": f"{limit / 1_000_000:g}"}]})
    content_type = sniff_content_type(data[:16])
    if content_type not in _allowed_types():
        raise ValidationFailed(fields={"file": [_(
            "Only PDF files and JPEG or PNG pictures are accepted.")]})
    name = f"cases/{case.pk}/{secrets.token_hex(16)}.{EXTENSIONS[content_type]}"
    document = CaseDocument(
        case=case, kind=kind, title=(title or "").strip()[:200],
        storage_name=name, original_name=(getattr(upload, "name", "") or "document")
        .replace("\\", "/").rsplit("/", 1)[-1][:255] or "document",
        content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    document.full_clean()
    stored = default_storage.save(name, ContentFile(data))
    try:
        with transaction.atomic():  # the file goes if the rows cannot be written
            document.storage_name = stored
            document.save()
            _event(case, actor=actor, kind=CaseEvent.Kind.DOCUMENT,
                   note=f"{document.get_kind_display()}"
                        + (f" — {document.title}" if document.title else ""))
            audit.record(actor=actor, action="cases.document.add", obj=document,
                         after=audit.snapshot(document, ("case", "kind", "content_type",
                                                         "size")))
    except Exception:
        default_storage.delete(stored)
        raise
    return document


def documents_for(*, user, case: Case) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(case=case).select_related("uploaded_by")


def document_response(document: CaseDocument, handle):
    """The file as an attachment, never cached, never sniffed into something else. Read
    whole (documents are at most JISR_DOCUMENT_MAX_BYTES)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    with handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, document.original_name)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_open(*, user, case: Case, document_id):
    """(document, file) for downloading; audited."""
    policy.check_case_perm(user, "cases.documents", case)
    document = policy.get_or_404(CaseDocument.objects.filter(case=case), pk=document_id)
    try:
        handle = default_storage.open(document.storage_name, "rb")
    except (FileNotFoundError, OSError):
        raise NotFound(_("The file of this document is missing from the storage."))
    audit.record_read(actor=user, obj=document, action="cases.document.download")
    return document, handle


# --- caseload handover -------------------------------------------------------------------

# Other modules (pathway plan steps, referrals…) move what the worker owns too: each
# contributor is called inside the handover's transaction as
# ``fn(actor=, from_worker=, to_worker=, cases=[Case…], reason=)`` and returns how many
# things it moved (an int), reported under its name.
HandoverContributor = Callable[..., int]
_handover_contributors: dict[str, HandoverContributor] = {}


def register_handover(fn: HandoverContributor) -> HandoverContributor:
    """Register a contributor to every caseload handover (usable as a decorator; the same
    function registered twice counts once)."""
    _handover_contributors[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def handover_contributors() -> dict[str, HandoverContributor]:
    return dict(_handover_contributors)


@dataclass
class Handover:
    cases: list = field(default_factory=list)
    appointments: int = 0
    # Appointments left with the former worker: the new one is booked at that time already.
    conflicts: list = field(default_factory=list)
    others: dict[str, int] = field(default_factory=dict)


def handover_workers(*, user) -> QuerySet:
    """The workers of the manager's centre who may hold cases, with their open cases and
    future booked appointments counted (two subqueries, one query)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from jisr.accounts.models import User

    policy.check_perm(user, "cases.handover")
    if user.scope_kind != "centre" or not user.centre_id:
        return User.objects.none()
    open_cases = Case.objects.filter(assigned_to=OuterRef("pk"), lead_centre_id=user.centre_id
                                     ).exclude(stage=Stage.CLOSED).order_by().values(
        "assigned_to").annotate(n=Count("pk")).values("n")
    upcoming = Appointment.objects.filter(
        worker=OuterRef("pk"), status=Appointment.Status.BOOKED, start__gte=timezone.now()
    ).order_by().values("worker").annotate(n=Count("pk")).values("n")
    return User.objects.filter(centre_id=user.centre_id).filter(
        Q(role__in=LISTENING_ROLES) | Q(pk__in=Case.objects.filter(
            lead_centre_id=user.centre_id).exclude(stage=Stage.CLOSED).values("assigned_to"))
    ).annotate(open_cases=Coalesce(Subquery(open_cases), 0),
               upcoming=Coalesce(Subquery(upcoming), 0)).order_by(
        "-is_active", "last_name", "first_name")


def _check_handover_workers(actor, from_worker, to_worker) -> None:
    if from_worker is None or from_worker.centre_id != actor.centre_id:
        raise NotFound()
    if to_worker is None:
        raise ValidationFailed(fields={"to_worker": [_("Choose who takes the cases over.")]})
    if to_worker.pk == from_worker.pk:
        raise ValidationFailed(fields={"to_worker": [_(
            "Choose another worker than the one handing over.")]})
    if not (to_worker.is_active and to_worker.centre_id == actor.centre_id
            and to_worker.role in LISTENING_ROLES):
        raise ValidationFailed(fields={"to_worker": [_(
            "Choose a social worker or the manager of the case's centre.")]})


@transaction.atomic
def caseload_handover(*, actor, from_worker, to_worker, cases=None, reason: str
                      ) -> Handover:
    """Give ``from_worker``'s open cases of the manager's centre (all, or those in
    ``cases``) and their future booked appointments to ``to_worker``; registered
    contributors move the rest. Timeline line per case, one audit entry, and an in-app
    notification to the receiving worker."""
    from django.urls import reverse

    from jisr.cases.casework import AppointmentChange
    from jisr.cases.services import check_appointment_slot
    from jisr.core.exceptions import Conflict
    from jisr.notifications.models import Notification
    from jisr.notifications.services import notify

    policy.check_perm(actor, "cases.handover")
    if actor.scope_kind != "centre":
        raise AccessDenied()
    _check_handover_workers(actor, from_worker, to_worker)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationFailed(fields={"reason": [_(
            "Say why the cases are handed over (leave, departure…).")]})
    open_cases = Case.objects.select_for_update().filter(
        lead_centre_id=actor.centre_id, assigned_to=from_worker).exclude(stage=Stage.CLOSED)
    if cases is not None:
        wanted = {getattr(c, "pk", c) for c in cases}
        selected = list(open_cases.filter(pk__in=wanted).order_by("pk"))
        if len(selected) != len(wanted):
            raise ValidationFailed(fields={"cases": [_(
                "Choose open cases of this worker only.")]})
    else:
        selected = list(open_cases.order_by("pk"))
    if not selected:
        raise ValidationFailed(fields={"cases": [_("This worker has no open case to hand "
                                                   "over.")]})
    result = Handover(cases=selected)
    note = f"{from_worker.display_name} → {to_worker.display_name}: {reason}"
    for case in selected:
        case.assigned_to = to_worker
        case.save(update_fields=["assigned_to"])
        _event(case, actor=actor, kind=CaseEvent.Kind.HANDOVER, note=note)
    upcoming = Appointment.objects.select_for_update().filter(
        worker=from_worker, status=Appointment.Status.BOOKED, start__gte=timezone.now(),
        case__in=[c.pk for c in selected]).select_related("case").order_by("start")
    for appointment in upcoming:
        try:
            with transaction.atomic():
                check_appointment_slot(case=appointment.case, worker=to_worker,
                                       start=appointment.start,
                                       duration_minutes=appointment.duration_minutes,
                                       exclude_pk=appointment.pk)
        except Conflict:
            result.conflicts.append(appointment)
            continue
        AppointmentChange.objects.create(
            appointment=appointment, from_start=appointment.start, to_start=appointment.start,
            from_worker=from_worker, to_worker=to_worker, reason=reason[:2000],
            changed_by=actor)
        appointment.worker = to_worker
        appointment.save(update_fields=["worker"])
        result.appointments += 1
    for name, contributor in handover_contributors().items():
        result.others[name] = int(contributor(actor=actor, from_worker=from_worker,
                                              to_worker=to_worker, cases=selected,
                                              reason=reason) or 0)
    # One bulk entry on the former worker with the cases moved; each case's timeline names
    # the new worker, each appointment keeps its AppointmentChange, and contributors audit
    # what they move.
    audit.record(actor=actor, action="cases.caseload.handover", obj=from_worker,
                 reason=reason, count=len(selected))
    notify(event="cases.handover",
           key=f"{from_worker.pk}:{to_worker.pk}:{timezone.now().isoformat()}",
           channel=Notification.Channel.IN_APP,
           template="cases/messages/caseload_handover",
           context={"manager": actor.display_name, "count": len(selected),
                    "appointments": result.appointments,
                    "worker": from_worker.display_name, "reason": reason},
           recipient=to_worker, link_url=reverse("cases:list") + "?mine=1", actor=actor)
    return result


def open_cases_of(*, user, worker) -> QuerySet[Case]:
    """The open cases of the manager's centre assigned to ``worker`` (handover page)."""
    policy.check_perm(user, "cases.handover")
    return policy.cases_for(user).filter(assigned_to=worker).exclude(
        stage=Stage.CLOSED).order_by("opened_at", "pk")
