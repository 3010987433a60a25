"""``jisr dedup INPUT.csv --out PAIRS.csv``: find duplicates in a list, no database needed."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TextIO

from .batch import DedupStats, dedup, default_workers
from .blocking import MAX_BLOCK, blocking_keys
from .record import COLUMNS, Record, normalise_record
from .score import CAPS, DEFAULT_MODEL, MATCH_THRESHOLD, REVIEW_THRESHOLD

__all__ = ["main"]

OUTPUT_HEADER = ("id_a", "id_b", "score", "decision", "reasons")


class UsageError(Exception):
    """A problem with the command line or the input file: reported, exit status 2."""


def parse_columns(spec: str | None) -> dict[str, list[str]]:
    """``first_name_lat=given_name,address=street+suburb`` -> {column: [headers]}."""
    mapping: dict[str, list[str]] = {}
    if not spec:
        return mapping
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise UsageError(f"--columns: expected COLUMN=HEADER, got {part!r}")
        target, _, sources = part.partition("=")
        target = target.strip()
        if target not in COLUMNS:
            raise UsageError(
                f"--columns: unknown column {target!r}; known columns: {', '.join(COLUMNS)}"
            )
        headers = [s.strip() for s in sources.split("+") if s.strip()]
        if not headers:
            raise UsageError(f"--columns: no input header given for {target!r}")
        mapping[target] = headers
    return mapping


def resolve_columns(header: Sequence[str], mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    """Which input headers feed each recognised column; unknown headers named in
    ``--columns`` are an error, other unknown headers are ignored."""
    present = set(header)
    resolved: dict[str, list[str]] = {}
    for target, sources in mapping.items():
        missing = [s for s in sources if s not in present]
        if missing:
            raise UsageError(
                f"--columns: the input has no column {', '.join(map(repr, missing))} "
                f"(its columns are: {', '.join(header)})"
            )
        resolved[target] = sources
    for col in COLUMNS:
        if col not in resolved and col in present:
            resolved[col] = [col]
    if not any(c for c in resolved if c != "id"):
        raise UsageError(
            "the input has none of the recognised columns "
            f"({', '.join(COLUMNS)}); map yours with --columns"
        )
    return resolved


def _project(row: dict[str, str], columns: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for target, sources in columns.items():
        if len(sources) == 1:
            out[target] = row.get(sources[0]) or ""
        else:
            out[target] = " ".join(v for s in sources if (v := (row.get(s) or "").strip()))
    return out


def _normalise(line: int, raw: dict[str, str], region: str) -> tuple[Record, set[str]]:
    rec = normalise_record(raw, phone_region=region)
    if not rec.id:
        rec.id = f"line{line}"
    return rec, blocking_keys(rec)


class ProgressBar:
    """A one-line bar on a terminal; silent otherwise (logs stay readable)."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.2 and done < total:
            return
        self.stage, self.last = stage, now
        frac = done / total if total else 1.0
        width = 30
        fill = int(frac * width)
        self.stream.write(
            f"\r{stage:<10} [{'#' * fill}{'.' * (width - fill)}] {done:>10,}/{total:,}"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _read_rows(
    path: str, delimiter: str | None
) -> tuple[list[str], Iterator[dict[str, str]], TextIO]:
    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        sample = fh.read(65536) if fh is not sys.stdin else ""
        if fh is not sys.stdin:
            fh.seek(0)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if delimiter is None:
        delimiter = ","
        if sample:
            first_line = sample.splitlines()[0] if sample.splitlines() else ""
            counts = {d: first_line.count(d) for d in (",", ";", "\t")}
            delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.DictReader(fh, delimiter=delimiter)
    try:
        header = reader.fieldnames
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise UsageError(f"{path}: not a CSV file ({exc})") from exc
    if not header:
        raise UsageError(f"{path} is empty: a header line is expected")
    header = [h.strip() if h else "" for h in header]
    reader.fieldnames = header
    return header, iter(reader), fh


def _count_lines(path: str) -> int:
    if path == "-":
        return 0
    with open(path, "rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)


def load(
    path: str,
    *,
    columns: dict[str, list[str]],
    delimiter: str | None = None,
    phone_region: str = "MA",
    progress: ProgressBar | None = None,
) -> tuple[list[Record], list[set[str]], Counter[str], int]:
    """Records, their blocking keys, problem counts by code, and rows with problems."""
    header, rows, fh = _read_rows(path, delimiter)
    resolved = resolve_columns(header, columns)
    total = _count_lines(path) if progress and progress.enabled else 0

    def items() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for line, row in enumerate(rows, start=2):
                yield line, _project(row, resolved)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path} is not UTF-8 text ({exc.reason})") from exc
        except csv.Error as exc:
            raise UsageError(f"{path}: unreadable CSV ({exc})") from exc

    records: list[Record] = []
    keys: list[set[str]] = []
    problems: Counter[str] = Counter()
    bad_rows = 0
    # One process on purpose: normalising costs ~60 µs a row, less than shipping the
    # Record back from a worker would, and in one process equal names stay one object.
    try:
        for line, raw in items():
            rec, k = _normalise(line, raw, phone_region)
            if rec.problems:
                bad_rows += 1
                problems.update(rec.problems)
            records.append(rec)
            keys.append(k)
            if progress and len(records) % 5000 == 0:
                progress("read", len(records), max(total, len(records)))
    finally:
        if fh is not sys.stdin:
            fh.close()
    if progress:
        progress("read", len(records), len(records))
    return records, keys, problems, bad_rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jisr dedup",
        description=(
            "Find the same person written several times in a CSV list (Arabic and/or Latin "
            "names), with no database. Writes one row per pair judged a match or worth a "
            "human review."
        ),
        epilog=(
            "Recognised columns: " + ", ".join(COLUMNS) + ". "
            "Example: jisr dedup partners.csv --out pairs.csv "
            "--columns first_name_lat=given_name,last_name_lat=surname,"
            "address=street+suburb+postcode"
        ),
    )
    parser.add_argument("input", help="UTF-8 CSV file with a header line ('-' for stdin)")
    parser.add_argument(
        "--out", "-o", required=True, help="where to write the pairs CSV ('-' for stdout)"
    )
    parser.add_argument(
        "--columns",
        help="map input headers onto recognised columns: COLUMN=HEADER[+HEADER...],...",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=MATCH_THRESHOLD,
        help=f"probability at or above which a pair is a match (default {MATCH_THRESHOLD})",
    )
    parser.add_argument(
        "--review-threshold",
        type=float,
        default=REVIEW_THRESHOLD,
        help=f"probability at or above which a pair is sent to review (default {REVIEW_THRESHOLD})",
    )
    parser.add_argument(
        "--no-estimate",
        action="store_true",
        help="score with the built-in model instead of re-estimating it on this list",
    )
    parser.add_argument(
        "--relax",
        metavar="RULES",
        help=(
            "comma-separated rule caps to lift, letting such pairs be automatic matches: "
            + ", ".join(CAPS)
            + " (default: all rules in force)"
        ),
    )
    parser.add_argument(
        "--max-block",
        type=int,
        default=MAX_BLOCK,
        help=f"ignore blocking keys shared by more records than this (default {MAX_BLOCK})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes to use (default: up to 2, one per CPU)",
    )
    parser.add_argument("--delimiter", help="field separator (default: guessed from the header)")
    parser.add_argument(
        "--phone-region",
        default="MA",
        help="country of phone numbers written without +code (default MA)",
    )
    parser.add_argument(
        "--reason-codes",
        action="store_true",
        help="write stable reason codes (same_cin;...) instead of English text",
    )
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None)
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``jisr dedup`` with ``argv`` (without the word ``dedup``); the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    err = sys.stderr
    try:
        if not 0.0 < args.threshold <= 1.0:
            raise UsageError("--threshold must be between 0 and 1")
        if not 0.0 < args.review_threshold <= args.threshold:
            raise UsageError("--review-threshold must be above 0 and at most --threshold")
        if args.max_block < 2:
            raise UsageError("--max-block must be at least 2")
        columns = parse_columns(args.columns)
        workers = args.workers or default_workers()
        show = err.isatty() if args.progress is None else args.progress
        progress = ProgressBar(err, show)
        started = time.monotonic()
        records, keys, problems, bad_rows = load(
            args.input, columns=columns, delimiter=args.delimiter,
            phone_region=args.phone_region.upper(), progress=progress,
        )
        read_seconds = time.monotonic() - started
        model = DEFAULT_MODEL.with_thresholds(args.threshold, args.review_threshold)
        if args.relax:
            caps = model.caps
            for name in (n.strip() for n in args.relax.split(",") if n.strip()):
                if name not in CAPS:
                    raise UsageError(
                        f"--relax: unknown rule {name!r}; known rules: {', '.join(CAPS)}"
                    )
                caps &= ~CAPS[name]
            model = dataclasses.replace(model, caps=caps)
        stats = DedupStats()
        out = sys.stdout if args.out == "-" else _open_out(args.out)
        try:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(OUTPUT_HEADER)
            for pair in dedup(
                records,
                model=model,
                estimate=not args.no_estimate,
                max_block=args.max_block,
                workers=workers,
                keys=keys,
                stats=stats,
                progress=progress,
            ):
                m = pair.match
                if args.reason_codes:
                    reasons = ";".join(r.code for r in m.reasons)
                else:
                    reasons = "; ".join(r.text for r in m.reasons)
                writer.writerow((pair.id_a, pair.id_b, f"{m.score:.4f}", m.decision, reasons))
        finally:
            if out is not sys.stdout:
                out.close()
    except UsageError as exc:
        err.write(f"jisr dedup: error: {exc}\n")
        return 2
    if not args.quiet:
        elapsed = time.monotonic() - started
        err.write(
            f"{stats.records:,} records read, {bad_rows:,} with unreadable values"
            + (
                " (" + ", ".join(f"{c}: {n:,}" for c, n in sorted(problems.items())) + ")"
                if problems
                else ""
            )
            + ".\n"
        )
        err.write(
            f"{stats.candidate_pairs:,} pairs compared "
            f"({stats.blocks_oversized:,} over-common blocking keys skipped); "
            f"{stats.matches:,} matches, {stats.reviews:,} to review; "
            f"{stats.distinct_patterns:,} distinct comparison patterns; "
            f"{elapsed:.1f} s.\n"
        )
        stages = {"read": read_seconds, **{
            k.removeprefix("seconds_"): v for k, v in stats.extra.items()
            if k.startswith("seconds_")
        }}
        err.write("time: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()) + ".\n")
    return 0


def _open_out(path: str) -> TextIO:
    try:
        return open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
