"""A run's report as lines for a page, and as a CSV or XLSX file to download.

Values come from an association's file and may be hostile: control characters and
text-direction overrides are shown as ``[U+202E]``, and a value that a spreadsheet would take
for a formula (``=…``, ``+…``, ``-…``, ``@…``) is written as text, so opening the report
never runs anything.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jisr.imports.messages import message
from jisr.imports.models import ImportIssue

_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
                    "\ufeff\ufffd]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_value(value: str) -> str:
    return _SHOWN.sub(lambda m: f"[U+{ord(m.group()):04X}]", value or "")


@dataclass
class Line:
    row: int
    column: str
    value: str
    severity: str
    severity_label: str
    message: str
    person_id: int | None  # only when the reader may open that person
    elsewhere: bool  # linked to a person the reader may not open
    other_row: int | None


def lines(issues: Iterable[ImportIssue], visible: set[int]) -> list[Line]:
    out = []
    for issue in issues:
        out.append(Line(
            row=issue.row, column=issue.column, value=safe_value(issue.value),
            severity=issue.severity, severity_label=str(issue.get_severity_display()),
            message=message(issue.code, issue.params),
            person_id=issue.person_id if issue.person_id in visible else None,
            elsewhere=bool(issue.person_id) and issue.person_id not in visible,
            other_row=issue.other_row))
    return out


def _headers() -> list[str]:
    return [_("Row"), _("Column"), _("Value"), _("Severity"), _("Message"), _("Person"),
            _("Same as row")]


def _cells(line: Line) -> list:
    person = line.person_id if line.person_id else (
        _("registered at another centre") if line.elsewhere else "")
    return [line.row, line.column, line.value, line.severity_label, line.message, person,
            line.other_row or ""]


def _text_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def as_csv(batches: Iterator[list[Line]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel then reads Arabic right), one line per issue."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_headers())
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        for line in batch:
            writer.writerow([_text_cell(c) for c in _cells(line)])
        yield buffer.getvalue().encode("utf-8")


def as_xlsx(batches: Iterator[list[Line]], *, title: str, rtl: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "report")
    sheet.sheet_view.rightToLeft = rtl

    def row(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        return cells

    sheet.append(row(_headers()))
    for batch in batches:
        for line in batch:
            sheet.append(row(_cells(line)))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
