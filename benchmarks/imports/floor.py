"""The floor of an import that checks each row, against a raw PostgreSQL COPY of the file.

Issue #5 asks `jisr import` to be within 10x of a COPY of the same rows. This times, in one
run, on the same database and the same file (bench.make_csv), what any such import in this
stack must do at the least, writing and comparing nothing:

  0 csv      a bare csv.reader loop over the file (Python's own C parser, nothing else)
  1 COPY     bench.copy_baseline: the file into a plain text table (the physical limit)
  2 read     the import's own reader (reader.inspect, then iter_rows, as Importer._execute)
  3 parse    2 + RowParser.parse of each row (the parser and mapping `jisr import` builds)
  4 keys     3 + the matching engine's record and keys of each valid row
             (engine._prepare_chunk, on chunks of JISR_IMPORT_CHUNK_ROWS rows)

For each: wall and CPU seconds of this process (time.process_time), rows/s and the ratio
to COPY. When a stage's CPU alone is already more than 10x COPY, no import that does that
work row by row in Python can meet the target, whatever it does about the database. The
import's own stages run under its garbage-collection setting (engine._fewer_collections).
COPY's CPU is this process's CPU during the whole bench.copy_baseline call (connection and
table included); the server's CPU is not in it.

    .venv/bin/python benchmarks/imports/floor.py 200000   (result: results/floor-ROWS.json)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from contextlib import nullcontext
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]  # bench.py, and the jisr of this tree

import bench  # noqa: E402


def timed(stage: str, work, rows: int, copy_seconds: float, gc_context=nullcontext) -> dict:
    with gc_context():
        wall, cpu = time.perf_counter(), time.process_time()
        extra = work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"stage": stage, "wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
            "rows_per_second": round(rows / wall),
            "wall_ratio_to_copy": round(wall / copy_seconds, 1),
            "cpu_ratio_to_copy": round(cpu / copy_seconds, 1), **extra}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("--url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/jisr_bench_floor"))
    args = parser.parse_args()

    # the commands' environment (bench.py's), then this process's Django set up on it
    env = {**bench.environment(args.url), "DJANGO_SETTINGS_MODULE": "jisr.settings"}
    path = HERE / "data" / f"people-{args.rows}.csv"
    bench.make_csv(args.rows, path)
    bench.recreate(args.url)
    bench.prepare(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    from jisr.imports import engine, reader, services
    from jisr.imports.fields import guess_mapping
    from jisr.imports.parse import CommuneIndex, RowParser
    from jisr.network.models import Centre

    # What `jisr import FILE --centre CENTRE --source NAME` builds for a new source
    # (services.import_run_prepare_file, then Importer.__init__).
    def opener():
        return path.open("rb")

    info = reader.inspect(opener)
    mapping = services._check_mapping(guess_mapping(info.headers, {}), info.headers)
    commune = Centre.objects.select_related("commune__province").get(code=bench.CENTRE).commune
    row_parser = RowParser(headers=info.headers, mapping=mapping, communes=CommuneIndex(
        province_id=commune.province_id, region_id=commune.province.region_id))
    engine._WORKER_PARSER = row_parser
    chunk_size = settings.JISR_IMPORT_CHUNK_ROWS

    def bare_csv():
        n = 0
        with path.open(encoding=info.encoding, newline="") as stream:
            for _cells in islice(csv.reader(stream, delimiter=info.delimiter), 1, None):
                n += 1
        return {"rows_read": n}

    def read():
        n = 0
        for _number, _cells in reader.iter_rows(opener, info):
            n += 1
        return {"rows_read": n}

    def parse():
        n = valid = 0
        for number, cells in reader.iter_rows(opener, info):
            n += 1
            if cells is reader.UNREADABLE or not any(str(c).strip() for c in cells):
                continue
            _draft, problems = row_parser.parse(number, cells)
            valid += not problems
        return {"rows_read": n, "valid_rows": valid}

    def keys():
        n = valid = found = 0
        rows = reader.iter_rows(opener, info)
        for chunk in iter(lambda: list(islice(rows, chunk_size)), []):
            n += len(chunk)
            prepared, _problems = engine._prepare_chunk(
                [(number, None if c is reader.UNREADABLE else c) for number, c in chunk])
            valid += len(prepared)
            found += sum(len(r.keys) for r in prepared)
        return {"rows_read": n, "valid_rows": valid, "match_keys": found}

    cpu = time.process_time()
    copy_seconds = bench.copy_baseline(args.url, path)
    cpu = time.process_time() - cpu
    stages = [{"stage": "1 COPY", "wall_seconds": round(copy_seconds, 3),
               "cpu_seconds": round(cpu, 3), "rows_per_second": round(args.rows / copy_seconds),
               "wall_ratio_to_copy": 1.0, "cpu_ratio_to_copy": round(cpu / copy_seconds, 1)}]
    gc_context = engine._fewer_collections  # COPY runs first, right after prepare (bench.py)
    stages += [timed("0 csv.reader", bare_csv, args.rows, copy_seconds),
               timed("2 read (iter_rows)", read, args.rows, copy_seconds, gc_context),
               timed("3 read + parse", parse, args.rows, copy_seconds, gc_context),
               timed("4 read + parse + keys", keys, args.rows, copy_seconds, gc_context)]
    stages.sort(key=lambda s: s["stage"])
    result = {"rows": args.rows, "csv": str(path.relative_to(ROOT)),
              "csv_bytes": path.stat().st_size, "encoding": info.encoding,
              "delimiter": info.delimiter, "chunk_size": chunk_size, "mapping": mapping,
              "stages": stages, "machine": bench.machine()}
    (HERE / "results").mkdir(exist_ok=True)
    out = HERE / "results" / f"floor-{args.rows}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB; {result['machine']}")
    print(f"{'stage':<24}{'wall s':>9}{'CPU s':>9}{'rows/s':>12}{'wall/COPY':>11}"
          f"{'CPU/COPY':>10}")
    for s in stages:
        print(f"{s['stage']:<24}{s['wall_seconds']:>9.2f}{s['cpu_seconds']:>9.2f}"
              f"{s['rows_per_second']:>12,}{s['wall_ratio_to_copy']:>11.1f}"
              f"{s['cpu_ratio_to_copy']:>10.1f}")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
