"""Reading an association's file: CSV in any usual encoding and delimiter, or XLSX.

CSV files come as they were saved: UTF-8 (with or without the byte-order mark Excel adds),
UTF-16, Windows-1256 (Arabic Windows), Windows-1252 or Latin-1 (French Windows); the
delimiter is a comma, a semicolon (French Excel), a tab or a bar. Both are told from the
file's first megabyte. XLSX workbooks are read with openpyxl in read-only mode, first sheet,
so a large workbook is streamed rather than loaded. Rows are numbered as a spreadsheet shows
them: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import BinaryIO

SAMPLE = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
# A cell larger than this makes its row unreadable (reported), not the process slow.
FIELD_LIMIT = 64 * 1024
UNREADABLE = object()  # yielded in place of the cells of a row that cannot be parsed
_ARABIC = re.compile("[\u0600-\u06ff]")
# An old Excel workbook (.xls), a PDF, images: what a CSV never starts with.
_BINARY = (b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_CONTROL = (*range(0, 9), 11, 12, *range(14, 32))

Opener = Callable[[], BinaryIO]


class FileProblem(Exception):
    """The file as a whole cannot be imported; ``code`` is a report message code."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


@dataclass
class FileInfo:
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Both Windows code pages put French accented letters at the same bytes; Arabic letters
    # sit where Windows-1252 has capitals with accents, rare in a French list.
    arabic_text = sample.decode("cp1256", errors="replace")
    high = [c for c in arabic_text if ord(c) > 127]
    if high and sum(1 for c in high if _ARABIC.match(c)) / len(high) >= 0.5:
        return "cp1256"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines[:10]]
        if counts[0] == 0:
            continue
        # The header's count, when most lines agree with it.
        score = counts[0] * sum(1 for c in counts if c == counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def inspect(opener: Opener, *, encoding: str = "", delimiter: str = "") -> FileInfo:
    """Format, encoding, delimiter and headers of a file (FileProblem when unreadable)."""
    with opener() as stream:
        sample = stream.read(SAMPLE)
    if not sample.strip():
        raise FileProblem("file_empty")
    if sample.startswith(b"PK\x03\x04"):
        info = FileInfo("xlsx")
        info.headers = _xlsx_headers(opener)
        return info
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if sample.startswith(_BINARY) or (not utf16 and sum(
            sample.count(bytes([b])) for b in _CONTROL) > len(sample) // 100):
        raise FileProblem("file_unreadable")  # an old .xls, a PDF, an image…
    info = FileInfo("csv", encoding=encoding or detect_encoding(sample))
    try:
        codecs.lookup(info.encoding)
    except LookupError:
        raise FileProblem("file_unreadable")
    text = sample.decode(info.encoding, errors="replace")
    info.delimiter = delimiter or detect_delimiter(text)
    for _number, cells in iter_rows(opener, info, with_header=True):
        if cells is UNREADABLE:
            raise FileProblem("file_unreadable")
        info.headers = _headers(cells)
        break
    if not any(info.headers):
        raise FileProblem("file_empty")
    return info


def _headers(cells: list) -> list[str]:
    """Header texts, blanks named by their position and repeats made distinct, so each
    column can be mapped on its own."""
    headers, seen = [], set()
    for i, cell in enumerate(cells):
        text = " ".join(_text(cell).replace("\ufeff", "").split()) or f"#{i + 1}"
        name, n = text, 2
        while name in seen:
            name, n = f"{text} ({n})", n + 1
        seen.add(name)
        headers.append(name)
    while headers and headers[-1].startswith("#"):
        headers.pop()
    return headers


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_headers(opener: Opener) -> list[str]:
    for _number, cells in _xlsx_rows(opener, with_header=True):
        if cells is UNREADABLE:
            raise FileProblem("file_unreadable")
        headers = _headers(cells)
        if not any(headers):
            raise FileProblem("file_empty")
        return headers
    raise FileProblem("file_empty")


def _xlsx_rows(opener: Opener, *, with_header: bool) -> Iterator[tuple[int, list]]:
    import zipfile

    from openpyxl import load_workbook

    stream = opener()
    try:
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
            raise FileProblem("file_unreadable")
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number == 1 and not with_header:
                    continue
                yield number, [_text(v) for v in row]
        finally:
            workbook.close()
    finally:
        stream.close()


def _csv_rows(opener: Opener, info: FileInfo, *, with_header: bool) -> Iterator[tuple[int, list]]:
    csv.field_size_limit(FIELD_LIMIT)
    stream = opener()
    try:
        text = io.TextIOWrapper(stream, encoding=info.encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=info.delimiter or ",")
        number = 0
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                cells = UNREADABLE
            if number == 1 and not with_header:
                continue
            yield number, cells
    finally:
        stream.close()


def iter_rows(opener: Opener, info: FileInfo, *, with_header: bool = False,
              start: int = 0) -> Iterator[tuple[int, list]]:
    """(row number, cells) of every data row after the first ``start`` ones. Blank rows
    are yielded too (as empty lists), so row numbers and the resume cursor stay exact."""
    rows = _xlsx_rows(opener, with_header=with_header) if info.format == "xlsx" else \
        _csv_rows(opener, info, with_header=with_header)
    skipped = 0
    for number, cells in rows:
        if skipped < start:
            skipped += 1
            continue
        yield number, cells


def count_rows(opener: Opener, info: FileInfo) -> int:
    count = 0
    for _ in iter_rows(opener, info):
        count += 1
    return count
