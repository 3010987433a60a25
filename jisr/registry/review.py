"""Batch duplicate detection and the review queue.

A scan reads every person of the registry (identity is national: a duplicate registered in
Berkane and in Oujda must meet), runs the matching engine's whole-list deduplication with
the same rules and model as the live check at registration (so the queue and the
registration panel never disagree), and files each pair judged ``match`` or ``review`` as a
:class:`DuplicatePair`. Pairs already decided are never filed again. People then decide:
"same person" (then merge, registry/merging.py) or "different persons".
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.core import audit
from jisr.core.exceptions import Conflict, NotFound, ValidationFailed
from jisr.matching import normalise_record
from jisr.matching.batch import dedup, default_workers
from jisr.registry.duplicates import _raw, match_keys
from jisr.registry.models import (
    DuplicatePair,
    DuplicateScan,
    IdentityDocument,
    Person,
    Phone,
)

log = logging.getLogger(__name__)

MAX_NOTE_LENGTH = 2000
# Progress is written at most this often (seconds): the bar polls it, the scan must not
# spend its time writing it.
PROGRESS_EVERY = 1.0


@transaction.atomic
def duplicate_scan_start(*, actor, background: bool = True) -> DuplicateScan:
    """Queue a scan of the whole registry; refused while another one waits or runs.
    ``actor`` None is the operator's command line (``jisr find-duplicates``), which runs
    the scan itself (``background`` False)."""
    from jisr.registry.tasks import run_duplicate_scan

    if actor is not None:
        policy.check_perm(actor, "registry.detect_duplicates")
    # One at a time: the lock makes two simultaneous requests queue one scan, not two.
    running = DuplicateScan.objects.select_for_update().filter(
        status__in=(DuplicateScan.Status.QUEUED, DuplicateScan.Status.RUNNING)).first()
    if running:
        raise Conflict(_("A duplicate scan is already under way; follow its progress."))
    scan = DuplicateScan.objects.create(started_by=actor)
    audit.record(actor=actor, action="registry.duplicates.scan_start", obj=scan)
    if background:
        transaction.on_commit(lambda: run_duplicate_scan.enqueue(scan.pk))
    return scan


def _load_records() -> tuple[list[int], list]:
    """Every person not merged away, as the engine's records, read in three flat queries
    (no model instances: a million persons must fit in a worker's memory)."""
    cin_kind = IdentityDocument.Kind.CIN
    cins: dict[int, str] = {}
    others: dict[int, str] = {}
    for person_id, kind, number in IdentityDocument.objects.exclude(number="").values_list(
            "person_id", "kind", "number").iterator(chunk_size=20_000):
        (cins if kind == cin_kind else others).setdefault(person_id, number)
    phones: dict[int, str] = {}
    for person_id, number in Phone.objects.values_list("person_id", "number").iterator(
            chunk_size=20_000):
        phones.setdefault(person_id, number)
    ids: list[int] = []
    records = []
    columns = ("pk", *Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "commune__code",
               "address")
    for row in Person.objects.filter(merged_into=None).order_by("pk").values_list(
            *columns).iterator(chunk_size=20_000):
        pk, *names, sex, birth_date, birth_year, commune_code, address = row
        raw = _raw(names=dict(zip(Person.NAME_FIELDS, names, strict=True)), sex=sex,
                   birth_date=birth_date, birth_year=birth_year,
                   commune_code=commune_code or "", address=address,
                   cin=cins.get(pk, ""), other_id=others.get(pk, ""),
                   phone=phones.get(pk, ""))
        raw["id"] = str(pk)
        ids.append(pk)
        records.append(normalise_record(raw))
    return ids, records


class _Progress:
    def __init__(self, scan: DuplicateScan, also=None):
        self.scan = scan
        self.also = also
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        if self.also:
            self.also(str(phase), done, total)
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        DuplicateScan.objects.filter(pk=self.scan.pk).update(
            phase=phase if phase in DuplicateScan.Phase.values else DuplicateScan.Phase.COMPARE,
            done=done, total=total)


def _file_pairs(scan: DuplicateScan, ids: list[int], found) -> tuple[int, int]:
    """Save the pairs found; those already known (open, decided, merged) stay as they are."""
    known = set(DuplicatePair.objects.values_list("person_a_id", "person_b_id"))
    fresh, count = [], 0
    for pair in found:
        count += 1
        a, b = sorted((ids[pair.i], ids[pair.j]))
        if (a, b) in known:
            continue
        known.add((a, b))
        fresh.append(DuplicatePair(
            person_a_id=a, person_b_id=b, decision=pair.match.decision,
            score=round(pair.match.score, 4), found_by=scan,
            reasons=[{"code": r.code, "text": r.text, "params": r.params}
                     for r in pair.match.reasons]))
    DuplicatePair.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    return count, len(fresh)


def duplicate_scan_run(*, scan_id: int, workers: int | None = None,
                       progress=None) -> DuplicateScan:
    """Run a queued scan (called by the task; safe to call twice: only one call claims it).
    ``progress(phase, done, total)``, when given, is told too (the command line's bar)."""
    claimed = DuplicateScan.objects.filter(pk=scan_id, status=DuplicateScan.Status.QUEUED)\
        .update(status=DuplicateScan.Status.RUNNING, started_at=timezone.now(),
                phase=DuplicateScan.Phase.LOAD)
    scan = DuplicateScan.objects.get(pk=scan_id)
    if not claimed:
        return scan
    progress = _Progress(scan, progress)
    try:
        ids, records = _load_records()
        progress(DuplicateScan.Phase.BLOCK, 0, len(records), force=True)
        if workers is None:  # forking pays off only on a large registry
            workers = default_workers() if len(records) >= 50_000 else 1
        pairs = dedup(records, estimate=False, workers=workers,
                      keys=[match_keys(r) for r in records], progress=progress)
        found = list(pairs)
        progress(DuplicateScan.Phase.SAVE, len(records), len(records), force=True)
        with transaction.atomic():
            count, new = _file_pairs(scan, ids, found)
            DuplicateScan.objects.filter(pk=scan.pk).update(
                status=DuplicateScan.Status.DONE, finished_at=timezone.now(),
                persons=len(records), pairs_found=count, pairs_new=new,
                done=len(records), total=len(records))
            audit.record_bulk(actor=scan.started_by, action="registry.duplicates.scan",
                              object_type="registry.duplicatepair", count=new)
    except Exception as exc:  # the scan is marked failed; the worker logs the trace
        log.exception("duplicate scan %s failed", scan_id)
        DuplicateScan.objects.filter(pk=scan.pk).update(
            status=DuplicateScan.Status.FAILED, finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000])
    scan.refresh_from_db()
    return scan


# --- review decisions ------------------------------------------------------------------

_DECISIONS = {DuplicatePair.Status.CONFIRMED, DuplicatePair.Status.DISMISSED}
# From which state each decision may be taken: a confirmed pair can still be found to be
# two persons before anyone merged it; a merged pair is undone by unmerging.
_ALLOWED_FROM = {
    DuplicatePair.Status.CONFIRMED: {DuplicatePair.Status.OPEN},
    DuplicatePair.Status.DISMISSED: {DuplicatePair.Status.OPEN, DuplicatePair.Status.CONFIRMED},
}


def _pair_for_update(actor, pair_id) -> DuplicatePair:
    try:
        pk = int(pair_id)
    except (TypeError, ValueError):
        raise NotFound()
    pair = policy.duplicate_pairs_for(actor).select_for_update().filter(pk=pk).first()
    if pair is None:
        raise NotFound()
    return pair


@transaction.atomic
def duplicate_pair_decide(*, actor, pair_id, decision: str, note: str = "") -> DuplicatePair:
    """Record a reviewer's decision on a pair: ``confirmed`` (same person, to merge) or
    ``dismissed`` (two persons: the pair is never proposed again)."""
    policy.check_perm(actor, "registry.review_duplicates")
    if decision not in _DECISIONS:
        raise ValidationFailed(fields={"decision": [_("Choose “same person” or “different "
                                                      "persons”.")]})
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationFailed(fields={"note": [_("The note is too long (at most "
                                                  "%(n)s characters).") % {
                                                      "n": MAX_NOTE_LENGTH}]})
    pair = _pair_for_update(actor, pair_id)
    if pair.status not in _ALLOWED_FROM[decision]:
        raise Conflict(_("This pair has already been decided (%(status)s); reload the "
                         "page.") % {"status": pair.get_status_display()})
    before = audit.snapshot(pair, ["status"])
    pair.status = decision
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.note = note
    pair.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit.record(actor=actor, action=f"registry.duplicates.{decision}", obj=pair,
                 before=before, after=audit.snapshot(pair, ["status"]))
    return pair
