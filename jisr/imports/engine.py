"""The import of one run, chunk by chunk.

Each chunk of rows is parsed and checked, compared with the registry and with the earlier
rows of the same file, and written in one transaction together with its report lines and
the run's new cursor. A process killed at any point therefore leaves the run at the end of
its last committed chunk, and running it again continues from there: no row is lost, none
is written twice (and the unique fingerprint of every imported row is a second guard).

What is written for a new person is what ``registry.services.person_create`` writes: the
Person (``name_key``, ``birth_year`` as ``Person.clean`` derives them), its identity
documents and phones normalised by ``registry.identifiers``, the importing centre's
follow-up, and the matching keys ``registry.duplicates`` computes; households and
memberships as ``registry.households`` opens them. Only in bulk, and with one audit entry
for the run instead of one per row.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from jisr.core import audit
from jisr.core.exceptions import Conflict
from jisr.core.models import AuditEntry
from jisr.imports import bulk, lookup
from jisr.imports.models import (
    ImportedHousehold,
    ImportedRow,
    ImportIssue,
    ImportRun,
    StagedKey,
    StagedRow,
)
from jisr.imports.parse import NAME_FIELDS, CommuneIndex, Draft, Problem, RowParser
from jisr.imports.reader import UNREADABLE, FileInfo, Opener, count_rows, iter_rows
from jisr.matching import (
    DATELESS,
    MATCH,
    REVIEW,
    Record,
    block_limit,
    normalise_record,
)
from jisr.registry import identifiers
from jisr.registry.duplicates import judge, match_keys, person_to_match_record
from jisr.registry.models import (
    Household,
    HouseholdMembership,
    IdentityDocument,
    Person,
    PersonFollow,
    PersonMatchKey,
    Phone,
)

_HEAD = HouseholdMembership.Relationship.HEAD
_ISSUE_VALUE = ImportIssue._meta.get_field("value").max_length
_RETRIES = 3
# Every column of a Person, in the order _write gives them on PostgreSQL.
_PERSON_COLUMNS = ("id", *NAME_FIELDS, "sex", "birth_date", "birth_year", "birth_approximate",
                   "languages", "commune_id", "address", "vulnerabilities",
                   "registered_at_id", "registered_by_id", "name_key", "merged_into_id",
                   "created_at", "updated_at")
_CACHE = 200_000  # normalised records of registered persons kept between chunks


@dataclass(slots=True)
class Row:
    """A valid row on its way: its draft, normalised record, keys and fate."""

    draft: Draft
    record: Record | None = None
    keys: frozenset = frozenset()
    dated: bool = False
    requests: frozenset = frozenset()  # (key, undated_only) asked of the indexes
    outcome: str = ImportedRow.Outcome.CREATED
    # The person the row is: the one created, the registered one it matched, or (for a
    # duplicate within the file) the one created from the earlier row.
    person_id: int | None = None
    # The person the report line links to (the above, or a possible duplicate's candidate).
    link_id: int | None = None
    issue: Problem | None = None
    other_row: int | None = None


def _dated(record: Record) -> bool:
    d = record.birth_date
    return d is not None and bool(d.month) and bool(d.day)


def _requests(row: Row) -> set:
    if not row.dated:
        return {(k, False) for k in row.keys}
    return {(k, k[: k.index(":")] in DATELESS) for k in row.keys}


def _match_raw(draft: Draft, commune_code: str) -> dict:
    """The matching engine's dict of the person this row would create, made by the
    registry's own ``person_to_match_record`` (documents in the model's order)."""
    documents = [SimpleNamespace(kind=k, number=n) for k, n, _c in
                 sorted(draft.documents, key=lambda d: d[0])]
    phones = [SimpleNamespace(number=p) for p in draft.phones]
    shim = SimpleNamespace(
        **draft.names, sex=draft.sex, birth_date=draft.birth_date,
        birth_year=draft.birth_year, address=draft.address, commune_id=draft.commune_id,
        commune=SimpleNamespace(code=commune_code),
        documents=SimpleNamespace(all=lambda: documents),
        phones=SimpleNamespace(all=lambda: phones))
    return person_to_match_record(shim)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Less of Python's cyclic garbage collection while the import runs: a sixth of its
    CPU otherwise (measured, 20,000 rows). Every row makes many small objects that live
    for a chunk, and each collection walked again everything already loaded (Django, the
    communes, the kept records). What is alive at the start is set aside (``gc.freeze``),
    and the youngest objects are collected after 10,000 allocations instead of 700: cyclic
    garbage still goes, only a little later (most of an import's objects are freed by
    reference counting anyway). Both settings are restored at the end, even after an
    error."""
    previous = gc.get_threshold()
    # Unfreezing thaws everything: only when nothing else froze objects before.
    freeze = not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    if previous[0]:  # 0: collections are off, and stay off
        gc.set_threshold(max(previous[0], 10_000), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if freeze:
            gc.unfreeze()


_WORKER_PARSER: RowParser | None = None  # the parser a forked worker inherits


def _worker_start(parent: int) -> None:
    """A worker leaves as soon as the importing process is gone (killed with SIGKILL, it
    cannot tell them: a forked worker holds both ends of its own queue and would wait
    forever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _prepare_chunk(chunk: list[tuple[int, list]]) -> tuple:
    """In a worker process: parse the rows of a chunk and compute the matching engine's
    record and keys of the valid ones. Returns (rows, [(row number, problems, or None for
    an unreadable row)]). An unreadable row comes as None (the reader's marker is not
    picklable)."""
    rows, problems = [], []
    for number, cells in chunk:
        if cells is None:
            problems.append((number, None))
            continue
        if not any(str(c).strip() for c in cells):
            continue  # a blank line
        draft, found = _WORKER_PARSER.parse(number, cells)
        if found:
            problems.append((number, found))
            continue
        row = Row(draft=draft)
        row.record = normalise_record(_match_raw(draft, draft.commune_code))
        row.keys = frozenset(match_keys(row.record))
        row.dated = _dated(row.record)
        row.requests = frozenset(_requests(row))
        rows.append(row)
    return rows, problems


class Importer:
    """Runs (or resumes) one ImportRun to its end."""

    def __init__(self, run: ImportRun, *, opener: Opener, chunk_size: int = 2000,
                 progress: Callable[[ImportRun], None] | None = None, pause: float = 0.0,
                 workers: int = 1):
        self.run = run
        self.source = run.source
        self.centre = run.source.centre
        self.opener = opener
        self.chunk_size = max(1, chunk_size)
        self.progress = progress or (lambda run: None)
        self.pause = pause
        self.workers = max(1, workers)
        commune = self.centre.commune
        self.parser = RowParser(headers=run.headers, mapping=run.mapping,
                                communes=CommuneIndex(province_id=commune.province_id,
                                                      region_id=commune.province.region_id))
        self.records: OrderedDict[int, Record] = OrderedDict()
        # person id -> row, of the persons this run created (None until first needed);
        # the chunk being written adds its own only once it is committed.
        self.created: dict[int, int] | None = None
        self.created_now: dict[int, int] = {}
        # person id -> record of the persons the chunk being written creates: once it is
        # committed they join ``records`` (a person's record is the row's own, so a later
        # chunk meeting them as a candidate neither reads nor normalises them again).
        self.records_now: dict[int, Record] = {}
        self.oversized: set = set()
        self.today = timezone.localdate()

    # --- the loop ----------------------------------------------------------------------

    def execute(self) -> ImportRun:
        with _fewer_collections():
            return self._execute()

    def _execute(self) -> ImportRun:
        run = self.run
        info = FileInfo(run.file_format, run.encoding, run.delimiter, run.headers)
        if run.total_rows is None:  # for the progress bar: one quick pass over the file
            run.total_rows = count_rows(self.opener, info)
            ImportRun.objects.filter(pk=run.pk).update(total_rows=run.total_rows)
        rows = iter_rows(self.opener, info, start=run.cursor)
        chunks = iter(lambda: list(islice(rows, self.chunk_size)), [])
        for chunk, prepared in self._prepared(chunks):
            for attempt in range(_RETRIES):
                self.created_now, self.records_now = {}, {}
                try:
                    self._chunk(chunk, prepared)
                    if self.created is not None:
                        self.created.update(self.created_now)
                    self._remember(self.records_now)
                    break
                except IntegrityError:
                    # Another import (or a registration at reception) took a CIN or a
                    # household head in the meantime: the chunk was rolled back whole;
                    # checking it again sees the newcomer.
                    if attempt == _RETRIES - 1:
                        raise
            self.progress(self.run)
            if self.pause:
                time.sleep(self.pause)
        self._finish()
        return self.run

    def _prepared(self, chunks: Iterator[list]) -> Iterator[tuple[list, tuple | None]]:
        """Each chunk, with its rows parsed and normalised by a worker process when there
        are workers (None: the chunk is parsed here). The parsing and the matching keys are
        pure computations; everything that reads or writes the database (the comparisons,
        the decisions, the writes and the cursor) stays in this process, chunk after chunk
        in file order, so resuming and the comparisons with earlier rows are unchanged."""
        if self.workers <= 1:
            for chunk in chunks:
                yield chunk, None
            return
        global _WORKER_PARSER
        _WORKER_PARSER = self.parser
        # Forked workers inherit the parser (communes loaded) and never touch the database
        # connection they also inherit (they leave with os._exit, which closes nothing).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_start,
                                 initargs=(os.getpid(),)) as pool:
            pending: deque = deque()
            for chunk in chunks:
                cells = [(n, None if c is UNREADABLE else c) for n, c in chunk]
                pending.append((chunk, pool.submit(_prepare_chunk, cells)))
                if len(pending) > self.workers:  # a bounded read-ahead
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()

    def _chunk(self, chunk: list[tuple[int, list]], prepared: tuple | None = None) -> None:
        expected = self.run.cursor
        issues: list[ImportIssue] = []
        counts: dict[str, int] = defaultdict(int)
        if prepared is None:
            rows = self._parse(chunk, issues, counts)
        else:
            rows = self._from_worker(prepared, issues, counts)
        with transaction.atomic():
            if bulk.postgres():
                # The chunk and its cursor commit together or not at all; a server crash
                # may lose the last commits, cursor included, and the import resumes
                # before them. So the commit need not wait for the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            run = ImportRun.objects.select_for_update().get(pk=self.run.pk)
            if run.cursor != expected or run.status != ImportRun.Status.RUNNING:
                # Another process resumed the same run: leave it the work.
                raise Conflict()
            rows = self._skip_known(rows, counts)
            self._normalise(rows)
            rows = self._check_households(rows, issues, counts)
            rows = self._check_national_ids(rows)
            self._compare(rows)
            if run.dry_run:
                self._stage(rows)
            else:
                self._write(rows, counts)
            for row in rows:
                if row.issue is not None:
                    issues.append(self._issue(row.draft.row, row.issue, person_id=row.link_id,
                                              other_row=row.other_row))
                counts[{ImportedRow.Outcome.CREATED: "created",
                        ImportedRow.Outcome.MATCHED: "matched",
                        ImportedRow.Outcome.DUPLICATE: "duplicates_in_file"}[row.outcome]] += 1
                if row.issue is not None and row.issue.code.startswith("possible_"):
                    counts["possible_duplicates"] += 1
            bulk.insert_objects(ImportIssue, issues)
            for name, value in counts.items():
                setattr(run, name, getattr(run, name) + value)
            run.cursor = expected + len(chunk)
            run.heartbeat = timezone.now()
            run.save(update_fields=["cursor", "heartbeat", *ImportRun.COUNT_FIELDS])
        self.run = run

    # --- steps -------------------------------------------------------------------------

    def _issue(self, row_number: int, problem: Problem, *, person_id=None,
               other_row=None) -> ImportIssue:
        severity = ImportIssue.Severity.ERROR
        if problem.code in ("matched", "same_national_id"):
            severity = ImportIssue.Severity.INFO
        elif problem.code in ("duplicate_in_file", "identical_row", "possible_duplicate",
                              "possible_duplicate_in_file"):
            severity = ImportIssue.Severity.WARNING
        return ImportIssue(run_id=self.run.pk, row=row_number, column=problem.column[:200],
                           field=problem.field, value=problem.value[:_ISSUE_VALUE],
                           severity=severity, code=problem.code, params=problem.params,
                           person_id=person_id, other_row=other_row)

    def _from_worker(self, prepared: tuple, issues, counts) -> list[Row]:
        rows, problems = prepared
        for number, found in problems:
            if found is None:
                issues.append(self._issue(number, Problem("", "", "", "unreadable_row")))
            else:
                issues.extend(self._issue(number, p) for p in found)
        counts["invalid"] += len(problems)
        # Fresh rows each time: a chunk retried after an IntegrityError is judged anew.
        return [Row(draft=r.draft, record=r.record, keys=r.keys, dated=r.dated,
                    requests=r.requests) for r in rows]

    def _parse(self, chunk, issues, counts) -> list[Row]:
        rows = []
        for number, cells in chunk:
            if cells is UNREADABLE:
                issues.append(self._issue(number, Problem("", "", "", "unreadable_row")))
                counts["invalid"] += 1
                continue
            if not any(str(c).strip() for c in cells):
                continue  # a blank line
            draft, problems = self.parser.parse(number, cells)
            if problems:
                issues.extend(self._issue(number, p) for p in problems)
                counts["invalid"] += 1
                continue
            rows.append(Row(draft=draft))
        return rows

    @staticmethod
    def _normalise(rows: list[Row]) -> None:
        """The matching engine's record and keys of the rows still to judge (after the
        rows already imported are set aside: a second import of a file costs little)."""
        for row in rows:
            if row.outcome == ImportedRow.Outcome.CREATED and row.record is None:
                row.record = normalise_record(_match_raw(row.draft, row.draft.commune_code))
                row.keys = match_keys(row.record)
                row.dated = _dated(row.record)
                row.requests = frozenset(_requests(row))

    def _skip_known(self, rows: list[Row], counts) -> list[Row]:
        """Rows imported before (silently counted) and rows identical to an earlier row
        of this file (reported)."""
        fingerprints = {r.draft.fingerprint for r in rows}
        known = {fp: (run_id, row) for fp, run_id, row in ImportedRow.objects.filter(
            source=self.source, fingerprint__in=fingerprints).values_list(
            "fingerprint", "run_id", "row")}
        if self.run.dry_run:
            known.update({fp: (self.run.pk, row) for fp, row in StagedRow.objects.filter(
                run=self.run, fingerprint__in=fingerprints).values_list(
                "fingerprint", "row_number")})
        kept, seen = [], {}
        for row in rows:
            fp = row.draft.fingerprint
            earlier = known.get(fp)
            if earlier is not None and earlier[0] != self.run.pk:
                counts["already_imported"] += 1
                continue
            first = earlier[1] if earlier else seen.get(fp)
            if first is not None:
                row.outcome = ImportedRow.Outcome.DUPLICATE
                row.issue = Problem("", "", "", "identical_row", {"row": first})
                row.other_row = first
                kept.append(row)  # reported, never written
                continue
            seen[fp] = row.draft.row
            kept.append(row)
        return kept

    def _check_households(self, rows: list[Row], issues, counts) -> list[Row]:
        """One head per household: refuse a second head in the file or when the household
        already has one in the registry."""
        keys = {r.draft.household for r in rows if r.draft.household
                and r.draft.relationship == _HEAD and r.outcome == ImportedRow.Outcome.CREATED}
        if not keys:
            return rows
        headed: dict[str, int | None] = {}
        households = dict(ImportedHousehold.objects.filter(source=self.source, key__in=keys)
                          .values_list("household_id", "key"))
        for household_id in HouseholdMembership.objects.filter(
                household_id__in=households, end=None, relationship=_HEAD).values_list(
                "household_id", flat=True):
            headed[households[household_id]] = None
        if self.run.dry_run:
            headed.update(StagedRow.objects.filter(run=self.run, household__in=keys,
                                                   head=True).values_list(
                "household", "row_number"))
        kept = []
        for row in rows:
            d = row.draft
            if d.household in keys and d.relationship == _HEAD and \
                    row.outcome == ImportedRow.Outcome.CREATED:
                if d.household in headed:
                    first = headed[d.household]
                    problem = Problem("", "relationship", d.relationship, "second_head",
                                      {"row": first}) if first else Problem(
                        "", "relationship", d.relationship, "household_has_head")
                    issues.append(self._issue(d.row, problem))
                    counts["invalid"] += 1
                    continue
                headed[d.household] = d.row
            kept.append(row)
        return kept

    def _check_national_ids(self, rows: list[Row]) -> list[Row]:
        """A CIN or RNP number belongs to one person in the network: a row bearing one
        already registered (or met earlier in the file) is that person."""
        wanted = {(k, n) for r in rows if r.outcome == ImportedRow.Outcome.CREATED
                  for k, n in r.draft.national_ids()}
        if not wanted:
            return rows
        registered = {(k, n): pid for k, n, pid in IdentityDocument.objects.filter(
            kind__in={k for k, _n in wanted}, number__in={n for _k, n in wanted})
            .values_list("kind", "number", "person_id") if (k, n) in wanted}
        ours = self._rows_of_this_run(set(registered.values()))
        staged = {}
        if self.run.dry_run:
            staged = dict(StagedKey.objects.filter(
                run=self.run, key__in=[f"nid:{k}:{n}" for k, n in wanted]).values_list(
                "key", "row_number"))
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            if row.outcome != ImportedRow.Outcome.CREATED:
                continue
            for kind, number in row.draft.national_ids():
                person_id = registered.get((kind, number))
                earlier = staged.get(f"nid:{kind}:{number}") or seen.get((kind, number))
                if person_id is not None and person_id in ours:
                    earlier = ours[person_id]
                if earlier is not None:
                    row.outcome = ImportedRow.Outcome.DUPLICATE
                    row.person_id = row.link_id = person_id
                    row.other_row = earlier
                    row.issue = Problem("", kind, "", "duplicate_in_file", {"row": earlier})
                    break
                if person_id is not None:
                    row.outcome = ImportedRow.Outcome.MATCHED
                    row.person_id = row.link_id = person_id
                    row.issue = Problem("", kind, "", "same_national_id", {"kind": kind})
                    break
            if row.outcome == ImportedRow.Outcome.CREATED:
                for kind, number in row.draft.national_ids():
                    seen.setdefault((kind, number), row.draft.row)
        return rows

    def _rows_of_this_run(self, person_ids: set[int]) -> dict[int, int]:
        """Which of these persons this run created, and from which row: read once (what
        the run committed before this process, when it resumes), then kept up to date
        here as the chunks commit."""
        if not person_ids or self.run.dry_run:
            return {}
        if self.created is None:
            self.created = dict(ImportedRow.objects.filter(
                run=self.run, outcome=ImportedRow.Outcome.CREATED).values_list(
                "person_id", "row"))
        created = self.created
        return {pid: created[pid] for pid in person_ids if pid in created}

    def _registered_records(self, ids: set[int]) -> dict[int, Record]:
        """The normalised records of registered persons, read as plain values (three
        queries, no model instances) and shaped by the registry's own
        ``person_to_match_record``."""
        missing = [pk for pk in ids if pk not in self.records]
        for i in range(0, len(missing), 5000):
            batch = missing[i:i + 5000]
            documents, phones = defaultdict(list), defaultdict(list)
            for pid, kind, number in IdentityDocument.objects.filter(
                    person_id__in=batch).order_by("kind", "pk").values_list(
                    "person_id", "kind", "number"):
                documents[pid].append(SimpleNamespace(kind=kind, number=number))
            for pid, number in Phone.objects.filter(person_id__in=batch).order_by(
                    "pk").values_list("person_id", "number"):
                phones[pid].append(SimpleNamespace(number=number))
            for values in Person.objects.filter(pk__in=batch).values(
                    "pk", *NAME_FIELDS, "sex", "birth_date", "birth_year", "address",
                    "commune_id", "commune__code"):
                pid = values.pop("pk")
                docs, tels = documents.get(pid, []), phones.get(pid, [])
                shim = SimpleNamespace(
                    **values, commune=SimpleNamespace(code=values.pop("commune__code")),
                    documents=SimpleNamespace(all=lambda docs=docs: docs),
                    phones=SimpleNamespace(all=lambda tels=tels: tels))
                self.records[pid] = normalise_record(person_to_match_record(shim))
        # Taken before the cache is trimmed: a candidate read long ago (an early entry)
        # must not be trimmed away and so skipped by this chunk's comparisons.
        found = {pk: self.records[pk] for pk in ids if pk in self.records}
        self._remember({})
        return found

    def _remember(self, records: dict[int, Record]) -> None:
        """Keep these records of registered persons, and at most ``_CACHE`` in all (the
        oldest go first; a record dropped is read again when needed)."""
        self.records.update(records)
        while len(self.records) > _CACHE:
            self.records.popitem(last=False)

    def _compare(self, rows: list[Row]) -> None:
        """Judge every row still to create against its candidates: persons of the registry,
        earlier rows of this file (in earlier chunks, and in this one)."""
        to_judge = [r for r in rows if r.outcome == ImportedRow.Outcome.CREATED and r.keys]
        requests = set().union(*(r.requests for r in to_judge)) if to_judge else set()
        # A key shared by too many persons stays so while the registry grows: not asked
        # again (in a national registry "f:mhmd" would otherwise be fetched every chunk).
        requests -= self.oversized
        registry = lookup.registry_members(requests)
        staged = lookup.staged_members(self.run.pk, requests) if self.run.dry_run else \
            lookup.registry_members(set())
        # A key too common in the registry (or in the file) pairs no one, as at reception.
        self.oversized |= registry.oversized | staged.oversized
        oversized = {key for key, _u in self.oversized}
        candidate_ids = {pid for ids in registry.values() for pid in ids}
        records = self._registered_records(candidate_ids)
        ours = self._rows_of_this_run(candidate_ids)
        staged_rows = {n for ids in staged.values() for n in ids}
        staged_records = {n: normalise_record(raw) for n, raw in StagedRow.objects.filter(
            run=self.run, row_number__in=staged_rows).values_list("row_number", "record")} \
            if staged_rows else {}
        # Rows of this chunk, in order: each is compared with the ones before it.
        in_chunk: dict[str, list[Row]] = defaultdict(list)
        for row in to_judge:
            reqs = row.requests
            persons = {pid for r in reqs for pid in registry.get(r, ())}
            earlier_rows = {n for r in reqs for n in staged.get(r, ())}
            earlier_here: dict[int, Row] = {}
            for key, undated in reqs:
                others = in_chunk.get(key, ())
                if not others or key in oversized or len(others) + len(
                        registry.get((key, undated), ())) + len(
                        staged.get((key, undated), ())) > block_limit(key):
                    continue
                for other in others:
                    if not undated or not other.dated:
                        earlier_here[other.draft.row] = other
            # Candidates in a fixed order (registered persons by id, then earlier rows by
            # number), so that of two alike the first is named, whatever a set's order.
            best_match, reviews = None, []
            for pid in sorted(persons):
                rec = records.get(pid)
                if rec is None:
                    continue
                verdict = judge(row.record, rec)
                if verdict.decision in (MATCH, REVIEW):
                    target = ("row", ours[pid], pid) if pid in ours else ("person", pid, pid)
                    reviews.append((verdict, target))
                    if verdict.decision == MATCH and (best_match is None
                                                      or verdict.score > best_match[0].score):
                        best_match = (verdict, target)
            for number in sorted(earlier_rows):
                verdict = judge(row.record, staged_records[number])
                if verdict.decision in (MATCH, REVIEW):
                    reviews.append((verdict, ("row", number, None)))
                    if verdict.decision == MATCH and (best_match is None
                                                      or verdict.score > best_match[0].score):
                        best_match = (verdict, ("row", number, None))
            for number, other in sorted(earlier_here.items()):
                verdict = judge(row.record, other.record)
                if verdict.decision in (MATCH, REVIEW):
                    target = ("row", number, None)
                    reviews.append((verdict, target))
                    if verdict.decision == MATCH and (best_match is None
                                                      or verdict.score > best_match[0].score):
                        best_match = (verdict, target)
            self._decide(row, best_match, reviews)
            if row.outcome == ImportedRow.Outcome.CREATED:
                for key in row.keys:
                    in_chunk[key].append(row)

    def _decide(self, row: Row, best_match, reviews: list) -> None:
        def codes(verdict) -> list[str]:
            return [r.code for r in verdict.reasons][:4]

        if best_match is not None:
            verdict, (kind, ref, pid) = best_match
            if kind == "person":
                row.outcome = ImportedRow.Outcome.MATCHED
                row.person_id = row.link_id = pid
                row.issue = Problem("", "", "", "matched", {"reasons": codes(verdict)})
            else:
                row.outcome = ImportedRow.Outcome.DUPLICATE
                row.person_id = row.link_id = pid
                row.other_row = ref
                row.issue = Problem("", "", "", "duplicate_in_file",
                                    {"row": ref, "reasons": codes(verdict)})
            return
        if reviews:
            verdict, (kind, ref, pid) = max(reviews, key=lambda v: v[0].score)
            if kind == "person":
                row.issue = Problem("", "", "", "possible_duplicate",
                                    {"reasons": codes(verdict), "score": round(verdict.score,
                                                                               3)})
                row.link_id = pid
            else:
                row.other_row = ref
                row.issue = Problem("", "", "", "possible_duplicate_in_file",
                                    {"row": ref, "reasons": codes(verdict),
                                     "score": round(verdict.score, 3)})

    # --- writing -----------------------------------------------------------------------

    def _stage(self, rows: list[Row]) -> None:
        """A dry run keeps its would-be persons aside, for the comparisons of later rows."""
        staged, keys = [], []
        for row in rows:
            if row.outcome != ImportedRow.Outcome.CREATED:
                continue
            d = row.draft
            staged.append(StagedRow(run=self.run, row_number=d.row, fingerprint=d.fingerprint,
                                    record=_match_raw(d, d.commune_code),
                                    household=d.household, head=d.relationship == _HEAD))
            run_id, undated = self.run.pk, not row.dated
            keys.extend((run_id, k, d.row, undated) for k in row.keys)
            keys.extend((run_id, f"nid:{k}:{n}", d.row, False) for k, n in d.national_ids())
        bulk.insert_objects(StagedRow, staged)
        bulk.insert_values(StagedKey, ("run_id", "key", "row_number", "undated"), keys)

    def _write(self, rows: list[Row], counts) -> None:
        run, centre, actor = self.run, self.centre, self.run.started_by_id
        new = [r for r in rows if r.outcome == ImportedRow.Outcome.CREATED]
        now = timezone.now()
        if bulk.postgres():  # ids from the sequence, then one COPY of plain tuples
            persons = []
            for row, pid in zip(new, bulk.reserve_ids(Person, len(new)), strict=True):
                d = row.draft
                names = [d.names[f] for f in NAME_FIELDS]
                row.person_id = pid
                # What Person(...) and its save() would write (one time for the chunk,
                # as for its documents); _PERSON_COLUMNS is tested to be every column.
                persons.append((pid, *names, d.sex, d.birth_date, d.birth_year,
                                d.birth_approximate, Jsonb(d.languages), d.commune_id,
                                d.address, Jsonb(d.vulnerabilities), centre.pk, actor,
                                identifiers.name_key(*names), None, now, now))
            bulk.insert_values(Person, _PERSON_COLUMNS, persons)
        else:
            persons = []
            for row in new:
                d = row.draft
                persons.append(Person(
                    **d.names, sex=d.sex, birth_date=d.birth_date, birth_year=d.birth_year,
                    birth_approximate=d.birth_approximate, languages=d.languages,
                    commune_id=d.commune_id, address=d.address,
                    vulnerabilities=d.vulnerabilities, registered_at=centre,
                    registered_by_id=actor,
                    name_key=identifiers.name_key(*(d.names[f] for f in NAME_FIELDS))))
            Person.objects.bulk_create(persons, batch_size=1000)
            for row, person in zip(new, persons, strict=True):
                row.person_id = person.pk
        documents, phones, follows, keys = [], [], [], []
        for row in new:
            d, pid = row.draft, row.person_id
            if row.issue is None or row.issue.code != "possible_duplicate":
                row.link_id = pid
            # Plain tuples (what the model's defaults would give), not model instances.
            documents.extend((pid, k, n, c, "", now, actor) for k, n, c in d.documents)
            phones.extend((pid, p, Phone.Kind.MOBILE, "") for p in d.phones)
            follows.append((pid, centre.pk, self.today, None))
            keys.extend((pid, k) for k in sorted(row.keys))
        bulk.insert_values(IdentityDocument, ("person_id", "kind", "number", "country",
                                              "none_reason", "recorded_at", "recorded_by_id"),
                           documents)
        bulk.insert_values(Phone, ("person_id", "number", "kind", "note"), phones)
        bulk.insert_values(PersonFollow, ("person_id", "centre_id", "since", "until"), follows)
        bulk.insert_values(PersonMatchKey, ("person_id", "key"), keys)
        self._write_households(new, counts)
        created = {r.draft.row: r.person_id for r in new}
        self.created_now = {pid: number for number, pid in created.items()}
        # What _registered_records would read back: the row's record is the one
        # normalise_record makes of person_to_match_record of the person just written
        # (same names, date, documents in kind then insertion order, phones, commune,
        # address; see _match_raw and the test of this equality).
        self.records_now = {r.person_id: r.record for r in new}
        for row in rows:  # a duplicate of a row of this chunk is the person just created
            if row.outcome == ImportedRow.Outcome.DUPLICATE and row.person_id is None:
                row.person_id = row.link_id = created.get(row.other_row)
        bulk.insert_values(
            ImportedRow, ("source_id", "fingerprint", "run_id", "row", "outcome", "person_id"),
            [(self.source.pk, r.draft.fingerprint, run.pk, r.draft.row, r.outcome, r.person_id)
             for r in rows if r.issue is None or r.issue.code != "identical_row"])

    def _write_households(self, new: list[Row], counts) -> None:
        keys = {r.draft.household for r in new if r.draft.household}
        if not keys:
            return
        existing = dict(ImportedHousehold.objects.filter(source=self.source, key__in=keys)
                        .values_list("key", "household_id"))
        missing = sorted(keys - set(existing))
        if missing:
            first = {}
            for row in sorted(new, key=lambda r: (r.draft.relationship != _HEAD, r.draft.row)):
                first.setdefault(row.draft.household, row.draft)
            households = [Household(commune_id=first[k].commune_id, address=first[k].address,
                                    registered_at=self.centre) for k in missing]
            Household.objects.bulk_create(households)
            ImportedHousehold.objects.bulk_create(
                ImportedHousehold(source=self.source, key=k, household=h)
                for k, h in zip(missing, households, strict=True))
            existing.update({k: h.pk for k, h in zip(missing, households, strict=True)})
            counts["households_created"] += len(households)
        HouseholdMembership.objects.bulk_create(
            HouseholdMembership(person_id=r.person_id, household_id=existing[r.draft.household],
                                relationship=r.draft.relationship, start=self.today)
            for r in new if r.draft.household)

    # --- the end -----------------------------------------------------------------------

    def _finish(self) -> None:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=self.run.pk)
            if run.status != ImportRun.Status.RUNNING:
                self.run = run
                return
            run.status = ImportRun.Status.DONE
            run.finished_at = timezone.now()
            run.total_rows = run.cursor
            run.save(update_fields=["status", "finished_at", "total_rows"])
            StagedKey.objects.filter(run=run).delete()
            StagedRow.objects.filter(run=run).delete()
            if not run.dry_run:
                from jisr.imports.models import ImportUpload

                ImportUpload.objects.filter(run=run).delete()
            audit.record(actor=run.started_by, kind=AuditEntry.Kind.BULK, obj=run,
                         action="imports.run.dry_run" if run.dry_run else "imports.run.import",
                         after=audit.snapshot(run, ("source", "dry_run", "file_name",
                                                    "cursor", *ImportRun.COUNT_FIELDS)),
                         count=run.created)
        self.run = run


def execute(run: ImportRun, *, opener: Opener, chunk_size: int = 2000,
            progress: Callable[[ImportRun], None] | None = None,
            pause: float = 0.0, workers: int = 1) -> ImportRun:
    return Importer(run, opener=opener, chunk_size=chunk_size, progress=progress,
                    pause=pause, workers=workers).execute()


def iter_chunks(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
