"""Bulk imports of persons and households from an association's spreadsheet.

A centre declares a *source* (an association, a census of a douar…) with the mapping of its
spreadsheet's headers to the registry's fields, reused at every import. Each import is a
*run*: it reads the file in chunks; each chunk's persons, its report lines and the run's
cursor are committed in one transaction, so a run killed at any moment resumes at the first
row not committed, and every row imported is remembered by its fingerprint
(:class:`ImportedRow`), so the same file imported twice adds nothing (docs/imports.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportSource(models.Model):
    """Where spreadsheets come from, for one centre: its name and the mapping of the file's
    column headers to the registry's fields (``{"Prénom": "first_name_lat", …}``)."""

    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=120)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    AUDIT_VALUE_FIELDS = ("centre", "name", "mapping")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"],
                                               name="import_source_unique_name")]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import (or dry run) of one file from a source."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Waiting for the column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, related_name="runs",
                               verbose_name=_("source"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("started by"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.BigIntegerField(_("size in bytes"), default=0)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    headers = models.JSONField(_("columns of the file"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # Rows read and committed so far (data rows, the header not counted): a resumed run
    # starts after them.
    cursor = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("persons created"), default=0)
    matched = models.PositiveIntegerField(_("already registered"), default=0)
    possible_duplicates = models.PositiveIntegerField(_("possible duplicates"), default=0)
    duplicates_in_file = models.PositiveIntegerField(_("duplicates within the file"),
                                                     default=0)
    invalid = models.PositiveIntegerField(_("rows refused"), default=0)
    already_imported = models.PositiveIntegerField(_("already imported"), default=0)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Moves at every committed chunk: a run "running" whose heartbeat stopped long ago was
    # killed, and the periodic job resumes it (tasks.resume_stalled_imports).
    heartbeat = models.DateTimeField(_("last progress"), null=True, blank=True)

    COUNT_FIELDS = ("created", "matched", "possible_duplicates", "duplicates_in_file",
                    "invalid", "already_imported", "households_created")
    AUDIT_VALUE_FIELDS = ("source", "dry_run", "status", "file_name", "file_size",
                          "file_format", "total_rows", "cursor", *COUNT_FIELDS)
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} · {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.cursor * 100 / self.total_rows))


class ImportUpload(models.Model):
    """The uploaded file of a run started from the UI or the API, kept in the database so
    that a worker on any machine can read it; deleted once a (non-dry) run of it ends."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="upload")
    content = models.BinaryField()

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        return str(self.run_id)


class ImportIssue(models.Model):
    """One line of a run's report: a row (and column) refused, or a row reported (already
    registered, possible duplicate, duplicate within the file). The message is rendered
    from ``code`` and ``params`` in the reader's language (imports/messages.py)."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Refused")
        WARNING = "warning", _("To check")
        INFO = "info", _("Information")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=200, blank=True)
    field = models.CharField(max_length=40, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    # The registered person the row was matched with or created as; shown only to a reader
    # who may see that person (selectors.run_issues).
    person = models.ForeignKey("registry.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    other_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("import report line")
        verbose_name_plural = _("import report lines")
        ordering = ["row", "pk"]
        indexes = [models.Index(fields=["run", "row"], name="import_issue_run_row"),
                   models.Index(fields=["run", "severity"], name="import_issue_severity")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.row} {self.code}"


class ImportedRow(models.Model):
    """A row of a source already imported, known by the fingerprint of its content: the
    same row in a later file (or the same file again) is skipped."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Created")
        MATCHED = "matched", _("Already registered")
        DUPLICATE = "duplicate", _("Duplicate within the file")

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    row = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [models.UniqueConstraint(fields=["source", "fingerprint"],
                                               name="imported_row_unique")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.fingerprint[:12]}"


class ImportedHousehold(models.Model):
    """The household a source's household identifier (a column of its file) stands for:
    members of "H-12" in next month's file join the same household."""

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE,
                                  related_name="+")

    class Meta:
        verbose_name = _("imported household")
        verbose_name_plural = _("imported households")
        constraints = [models.UniqueConstraint(fields=["source", "key"],
                                               name="imported_household_unique")]

    def __str__(self) -> str:
        return self.key


class StagedRow(models.Model):
    """A valid row of a dry run, kept until the run ends so later rows of the same file
    can be compared with it (a dry run writes nothing to the registry)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    record = models.JSONField()
    household = models.CharField(max_length=100, blank=True)
    head = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "row_number"],
                                               name="staged_row_unique")]
        indexes = [models.Index(fields=["run", "fingerprint"], name="staged_row_fp")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.row_number}"


class StagedKey(models.Model):
    """A blocking key of a staged row (see StagedRow)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    row_number = models.PositiveIntegerField()
    # The row has no full birth date: the keys of names alone may pair it with dated rows.
    undated = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["run", "key"], name="staged_key")]

    def __str__(self) -> str:
        return self.key
