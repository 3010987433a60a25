"""Writes of the imports app: sources and their mapping, starting, confirming, resuming and
executing runs. Each is atomic, checked against the policy and audited; the run itself
writes one audit entry with its counts when it ends (engine.py)."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.roles import ScopeKind
from jisr.core import audit
from jisr.core.exceptions import AccessDenied, Conflict, DomainError, ValidationFailed
from jisr.imports import engine
from jisr.imports.fields import check_mapping, guess_mapping
from jisr.imports.messages import message
from jisr.imports.models import ImportRun, ImportSource, ImportUpload
from jisr.imports.reader import FileProblem, Opener, inspect

logger = logging.getLogger(__name__)
PERMISSION = "imports.import_persons"


def max_bytes() -> int:
    return settings.JISR_IMPORT_MAX_MB * 1024 * 1024


def _centre_of(actor):
    policy.check_perm(actor, PERMISSION)
    if actor.scope_kind != ScopeKind.CENTRE or actor.centre_id is None:
        raise AccessDenied(_("Only the staff of a centre import persons."))
    return actor.centre


def _file_error(problem: FileProblem) -> ValidationFailed:
    text = message(problem.code, problem.params)
    return ValidationFailed(text, fields={"file": [text]})


def _check_mapping(mapping: dict, headers: list[str] | None = None, *,
                   complete: bool = True) -> dict:
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise ValidationFailed(fields={"mapping": [_("The mapping pairs each column header "
                                                     "with a field name.")]})
    if headers is not None:
        mapping = {h: mapping.get(h, "") for h in headers}
    problems = check_mapping(mapping, complete=complete)
    if problems:
        raise ValidationFailed(problems[0], fields={"mapping": problems})
    return mapping


# --- sources ---------------------------------------------------------------------------

def _source_get_or_create(*, actor, centre, name: str) -> ImportSource:
    name = " ".join((name or "").split())
    if not name or len(name) > ImportSource._meta.get_field("name").max_length:
        raise ValidationFailed(fields={"source": [_("Name the source in at most 120 "
                                                    "characters.")]})
    source = ImportSource.objects.filter(centre=centre, name__iexact=name).first()
    if source is None:
        source = ImportSource(centre=centre, name=name, created_by=actor)
        try:
            source.full_clean()
        except ValidationError as exc:
            raise ValidationFailed(fields=exc.message_dict)
        source.save()
        audit.record(actor=actor, action="imports.source.create", obj=source,
                     after=audit.snapshot(source, ("centre", "name", "mapping")))
    return source


@transaction.atomic
def import_source_update(*, actor, source: ImportSource, name: str | None = None,
                         mapping: dict | None = None) -> ImportSource:
    _check_source(actor, source)
    source = ImportSource.objects.select_for_update().get(pk=source.pk)
    before = audit.snapshot(source, ("name", "mapping"))
    if name is not None:
        name = " ".join(name.split())
        if ImportSource.objects.filter(centre=source.centre, name__iexact=name).exclude(
                pk=source.pk).exists():
            raise ValidationFailed(fields={"name": [_("Another source of the centre has "
                                                      "this name.")]})
        source.name = name
    if mapping is not None:
        _check_mapping(mapping, headers=list(mapping), complete=False)
        source.mapping = {h: f for h, f in mapping.items() if f}
    try:
        source.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict)
    source.save()
    after = audit.snapshot(source, ("name", "mapping"))
    if before != after:
        audit.record(actor=actor, action="imports.source.update", obj=source, before=before,
                     after=after)
    return source


def _check_source(actor, source: ImportSource) -> None:
    from jisr.imports.selectors import sources_for

    if not sources_for(actor).filter(pk=source.pk).exists():
        from jisr.core.exceptions import NotFound

        raise NotFound()


# --- runs ------------------------------------------------------------------------------

def _new_run(*, source: ImportSource, actor, file_name: str, opener: Opener, size: int,
             sha256: str, dry_run: bool, encoding: str = "", delimiter: str = "") -> ImportRun:
    try:
        info = inspect(opener, encoding=encoding, delimiter=delimiter)
    except FileProblem as problem:
        raise _file_error(problem)
    return ImportRun(source=source, started_by=actor if getattr(actor, "pk", None) else None,
                     dry_run=dry_run, file_name=Path(file_name).name[:255], file_size=size,
                     file_sha256=sha256, file_format=info.format, encoding=info.encoding,
                     delimiter=info.delimiter, headers=info.headers,
                     mapping=guess_mapping(info.headers, source.mapping))


@transaction.atomic
def import_run_start(*, actor, source_name: str, file_name: str, content: bytes,
                     dry_run: bool = True, mapping: dict | None = None,
                     confirm: bool = False, encoding: str = "") -> ImportRun:
    """Keep an uploaded file and open its run. Without ``confirm`` the run waits for its
    mapping to be checked (the UI's second step); with it, it is queued at once with
    ``mapping`` or the source's saved mapping completed by the guess (the API)."""
    centre = _centre_of(actor)
    if len(content) > max_bytes():
        raise _file_error(FileProblem("file_too_large", max=settings.JISR_IMPORT_MAX_MB))
    source = _source_get_or_create(actor=actor, centre=centre, name=source_name)
    run = _new_run(source=source, actor=actor, file_name=file_name,
                   opener=lambda: io.BytesIO(content), size=len(content),
                   sha256=hashlib.sha256(content).hexdigest(), dry_run=dry_run,
                   encoding=encoding)
    if mapping:
        run.mapping = guess_mapping(run.headers, {**source.mapping, **mapping})
    run.status = ImportRun.Status.MAPPING
    run.save()
    ImportUpload.objects.create(run=run, content=content)
    audit.record(actor=actor, action="imports.run.start", obj=run,
                 after=audit.snapshot(run, ("source", "dry_run", "file_name", "file_size",
                                            "file_format")))
    if confirm:
        run = import_run_confirm(actor=actor, run=run, mapping=run.mapping)
    return run


@transaction.atomic
def import_run_confirm(*, actor, run: ImportRun, mapping: dict) -> ImportRun:
    """The mapping is checked: remember it for the source and queue the run."""
    _check_source(actor, run.source)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.MAPPING:
        raise Conflict(_("This import has already started."))
    run.mapping = _check_mapping(mapping, run.headers)
    run.status = ImportRun.Status.QUEUED
    run.save(update_fields=["mapping", "status"])
    source = run.source
    saved = {**source.mapping, **{h: f for h, f in run.mapping.items()}}
    saved = {h: f for h, f in saved.items() if f}
    if saved != source.mapping:
        before = audit.snapshot(source, ("mapping",))
        source.mapping = saved
        source.save(update_fields=["mapping", "updated_at"])
        audit.record(actor=actor, action="imports.source.update", obj=source, before=before,
                     after=audit.snapshot(source, ("mapping",)))
    _enqueue(run)
    return run


@transaction.atomic
def import_run_for_real(*, actor, run: ImportRun) -> ImportRun:
    """After a dry run, the same file with the same mapping, for real."""
    _check_source(actor, run.source)
    if not run.dry_run or run.status != ImportRun.Status.DONE:
        raise DomainError(_("Only a finished dry run can be imported for real."),
                          code="not_a_finished_dry_run")
    upload = ImportUpload.objects.filter(run=run).first()
    if upload is None:
        raise DomainError(_("The file of this dry run is no longer kept: upload it again."),
                          code="file_gone")
    real = ImportRun.objects.create(
        source=run.source, started_by=actor, dry_run=False, status=ImportRun.Status.QUEUED,
        file_name=run.file_name, file_size=run.file_size, file_sha256=run.file_sha256,
        file_format=run.file_format, encoding=run.encoding, delimiter=run.delimiter,
        headers=run.headers, mapping=run.mapping, total_rows=run.total_rows)
    ImportUpload.objects.create(run=real, content=bytes(upload.content))
    audit.record(actor=actor, action="imports.run.start", obj=real,
                 after=audit.snapshot(real, ("source", "dry_run", "file_name", "file_size",
                                             "file_format")))
    _enqueue(real)
    return real


def is_stalled(run: ImportRun, now=None) -> bool:
    now = now or timezone.now()
    last = run.heartbeat or run.started_at or run.created_at
    return last < now - timedelta(minutes=settings.JISR_IMPORT_STALL_MINUTES)


@transaction.atomic
def import_run_resume(*, actor, run: ImportRun) -> ImportRun:
    """Queue again a run whose worker died (no progress for JISR_IMPORT_STALL_MINUTES)."""
    _check_source(actor, run.source)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING,
                          ImportRun.Status.FAILED) or (run.status != ImportRun.Status.FAILED
                                                       and not is_stalled(run)):
        raise Conflict(_("This import is not stopped: it goes on by itself."))
    if run.status == ImportRun.Status.FAILED:
        run.status = ImportRun.Status.QUEUED
        run.error = ""
        run.save(update_fields=["status", "error"])
    audit.record(actor=actor, action="imports.run.resume", obj=run)
    _enqueue(run)
    return run


def _enqueue(run: ImportRun) -> None:
    from jisr.imports.tasks import import_run

    run_id = run.pk
    transaction.on_commit(lambda: import_run.enqueue(run_id))


def resume_stalled() -> list[int]:
    """Queue again every run left running or queued without progress (a killed worker);
    called periodically by the workers."""
    ids = []
    for run in ImportRun.objects.filter(status__in=(ImportRun.Status.QUEUED,
                                                    ImportRun.Status.RUNNING)):
        if is_stalled(run):
            with transaction.atomic():
                ImportRun.objects.filter(pk=run.pk).update(heartbeat=timezone.now())
                _enqueue(run)
            ids.append(run.pk)
    return ids


def _claim(run_id: int, *, take_over: bool) -> ImportRun | None:
    """Mark the run running for this process, unless another one is visibly at work."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update(of=("self",)).select_related(
            "source__centre__commune__province", "started_by").get(pk=run_id)
        if run.status in (ImportRun.Status.DONE, ImportRun.Status.MAPPING):
            return None
        if run.status == ImportRun.Status.RUNNING and not (take_over or is_stalled(run)):
            return None
        run.status = ImportRun.Status.RUNNING
        run.error = ""
        run.started_at = run.started_at or timezone.now()
        run.heartbeat = timezone.now()
        run.save(update_fields=["status", "error", "started_at", "heartbeat"])
    return run


def import_run_execute(*, run_id: int, opener: Opener | None = None, take_over: bool = False,
                       chunk_size: int | None = None,
                       progress: Callable[[ImportRun], None] | None = None,
                       pause: float = 0.0, workers: int = 1) -> ImportRun | None:
    """Run (or resume) an import to its end; what the background task and the command
    call. ``workers`` > 1 parses and normalises the rows in that many worker processes
    (the command's ``--workers``). Returns None when there was nothing to do (finished,
    or run by another process)."""
    run = _claim(run_id, take_over=take_over)
    if run is None:
        return None
    if opener is None:
        upload = ImportUpload.objects.filter(run=run).first()
        if upload is None:
            return _fail(run, "file_changed")
        content = bytes(upload.content)

        def opener():
            return io.BytesIO(content)
    try:
        return engine.execute(run, opener=opener, progress=progress, pause=pause,
                              chunk_size=chunk_size or settings.JISR_IMPORT_CHUNK_ROWS,
                              workers=workers)
    except Conflict:
        logger.info("import run %s is being run by another process", run_id)
        return None
    except FileProblem as problem:
        return _fail(run, problem.code)
    except Exception:
        logger.exception("import run %s failed", run_id)
        _fail(run, "failed")
        raise


def _fail(run: ImportRun, code: str) -> ImportRun:
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, error=code,
                                               heartbeat=timezone.now())
    run.refresh_from_db()
    return run


# --- the command -----------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@transaction.atomic
def import_run_prepare_file(*, actor, centre, source_name: str, path: Path, dry_run: bool,
                            mapping: dict | None = None, encoding: str = "",
                            delimiter: str = "") -> tuple[ImportRun, bool]:
    """The run of ``jisr import``: the unfinished run of the same file, source and mode
    (resumed), or a new one. Returns (run, resumed)."""
    if actor is not None:
        policy.check_perm(actor, PERMISSION)
        if actor.centre_id != centre.pk:
            raise AccessDenied(_("You may import only for your own centre."))
    source = _source_get_or_create(actor=actor, centre=centre, name=source_name)
    sha = file_sha256(path)
    unfinished = ImportRun.objects.filter(
        source=source, file_sha256=sha, dry_run=dry_run,
        status__in=(ImportRun.Status.QUEUED, ImportRun.Status.RUNNING,
                    ImportRun.Status.FAILED)).order_by("-pk").first()
    if unfinished is not None:
        return unfinished, True

    def opener():
        return path.open("rb")

    run = _new_run(source=source, actor=actor, file_name=path.name, opener=opener,
                   size=path.stat().st_size, sha256=sha, dry_run=dry_run, encoding=encoding,
                   delimiter=delimiter)
    run.mapping = _check_mapping(guess_mapping(run.headers, {**source.mapping,
                                                             **(mapping or {})}), run.headers)
    run.status = ImportRun.Status.QUEUED
    run.save()
    saved = {h: f for h, f in {**source.mapping, **run.mapping}.items() if f}
    if saved != source.mapping:
        before = audit.snapshot(source, ("mapping",))
        source.mapping = saved
        source.save(update_fields=["mapping", "updated_at"])
        audit.record(actor=actor, action="imports.source.update", obj=source, before=before,
                     after=audit.snapshot(source, ("mapping",)))
    audit.record(actor=actor, action="imports.run.start", obj=run,
                 after=audit.snapshot(run, ("source", "dry_run", "file_name", "file_size",
                                            "file_format")))
    return run, False
