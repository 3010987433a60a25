"""Import benchmark: `jisr import` of a generated CSV against a raw PostgreSQL COPY of the
same rows, on the same machine, in the same run (see run.sh and benchmarks/README.md)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
JISR = [str(ROOT / ".venv" / "bin" / "jisr")]
HEADERS = ["Prénom", "Nom", "الاسم الشخصي", "النسب", "Nom du père", "Nom de la mère", "Sexe",
           "Date de naissance", "CIN", "Identifiant RSU", "Téléphone", "Code commune",
           "Adresse"]
COLUMNS = ["first_name_lat", "last_name_lat", "first_name_ar", "last_name_ar", "father_name",
           "mother_name", "sex", "birth_date", "cin", "other_id", "phone", "commune_code",
           "address"]
CENTRE = "JIS-BENCH-07.351.01.0"


def machine() -> dict:
    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        except OSError:
            return ""

    model = next((line.split(":", 1)[1].strip() for line in run("lscpu").splitlines()
                  if line.startswith("Model name")), platform.processor())
    free = run("free", "-h").splitlines()
    return {"nproc": os.cpu_count(), "cpu": model,
            "memory": free[1].split()[1] if len(free) > 1 else "",
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def make_csv(rows: int, path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from jisr.matching import generate_people

    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for record in generate_people(rows, seed=2026, duplicate_rate=0.1):
            values = [record.get(c, "") or "" for c in COLUMNS]
            values[9] = values[9].lstrip("R")  # the generator's identifier, as an RSU number
            writer.writerow(values)
    tmp.rename(path)


def environment(url: str) -> dict:
    """The environment of the jisr commands a benchmark runs on the database at ``url``.
    PYTHONPATH: the jisr timed is the one of this tree, even when the virtualenv's editable
    install points at another checkout (a git worktree sharing it)."""
    from cryptography.fernet import Fernet

    return {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url,
            "JISR_SECRET_KEY": "benchmark-only",
            "JISR_FIELD_KEYS": Fernet.generate_key().decode(), "JISR_LOG_LEVEL": "WARNING",
            "JISR_DATA_DIR": str(HERE / "data" / "var")}


def recreate(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def jisr(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*JISR, *args], env=env, cwd=ROOT, check=True, **kwargs)


def prepare(env: dict) -> None:
    jisr(env, "migrate", "--verbosity", "0")
    jisr(env, "load-territories", stdout=subprocess.DEVNULL)
    jisr(env, "shell", "-c", (
        "from jisr.network.models import Centre; from jisr.territory.models import Commune; "
        f"Centre.objects.get_or_create(code='{CENTRE}', defaults=dict("
        "commune=Commune.objects.get(code='07.351.01.0'), name_fr='Centre Jisr (banc)', "
        "name_ar='مركز جسر (اختبار)'))"))


def copy_baseline(url: str, path: Path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS copy_baseline")
        conn.execute(f"CREATE TABLE copy_baseline ({columns})")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(
                "COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
        ) as copy, path.open("rb") as stream:
            while block := stream.read(1 << 20):
                copy.write(block)
        conn.commit()
        elapsed = time.perf_counter() - started
        count = conn.execute("SELECT count(*) FROM copy_baseline").fetchone()[0]
    assert count > 0
    return elapsed


def counts(url: str) -> dict:
    tables = {"persons": "registry_person", "documents": "registry_identitydocument",
              "phones": "registry_phone", "follows": "registry_personfollow",
              "match_keys": "registry_personmatchkey", "imported_rows": "imports_importedrow",
              "report_lines": "imports_importissue"}
    with psycopg.connect(url) as conn:
        out = {k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
               for k, t in tables.items()}
        run = conn.execute(
            "SELECT cursor, created, matched, possible_duplicates, duplicates_in_file, "
            "invalid, already_imported FROM imports_importrun ORDER BY id DESC LIMIT 1"
        ).fetchone()
    out["last_run"] = dict(zip(("rows", "created", "matched", "possible_duplicates",
                                "duplicates_in_file", "invalid", "already_imported"), run,
                               strict=True))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("--url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/jisr_bench_import"))
    parser.add_argument("--chunk-size", default="")
    parser.add_argument("--workers", default="",
                        help="Passed to jisr import --workers (processes parsing ahead).")
    parser.add_argument("--again", action="store_true",
                        help="Also time a second import of the same file (adds nothing).")
    args = parser.parse_args()

    env = environment(args.url)
    path = HERE / "data" / f"people-{args.rows}.csv"
    print(f"machine: {machine()}", flush=True)
    started = time.perf_counter()
    make_csv(args.rows, path)
    print(f"CSV: {path} ({path.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - started:.1f} s)", flush=True)
    recreate(args.url)
    prepare(env)
    load_before = os.getloadavg()
    copy_seconds = copy_baseline(args.url, path)
    print(f"COPY: {copy_seconds:.2f} s, {args.rows / copy_seconds:,.0f} rows/s", flush=True)
    command = ["import", str(path), "--centre", CENTRE, "--source", "Benchmark"]
    if args.chunk_size:
        command += ["--chunk-size", args.chunk_size]
    if args.workers:
        command += ["--workers", args.workers]
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    jisr(env, *command)
    import_seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    import_cpu = (cpu_after.ru_utime + cpu_after.ru_stime
                  - cpu_before.ru_utime - cpu_before.ru_stime)
    first = counts(args.url)
    print(f"jisr import: {import_seconds:.1f} s, {args.rows / import_seconds:,.0f} rows/s, "
          f"{import_seconds / copy_seconds:.1f}x COPY", flush=True)
    again_seconds, second = None, None
    if args.again:
        started = time.perf_counter()
        jisr(env, *command, "--quiet")
        again_seconds = round(time.perf_counter() - started, 1)
        second = counts(args.url)
    load_after = os.getloadavg()
    result = {
        "rows": args.rows, "csv_bytes": path.stat().st_size, "command": command,
        "copy_seconds": round(copy_seconds, 2),
        "copy_rows_per_second": round(args.rows / copy_seconds),
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_second": round(args.rows / import_seconds),
        "ratio_to_copy": round(import_seconds / copy_seconds, 1),
        # CPU of the jisr process alone (PostgreSQL's own work is not in it)
        "import_process_cpu_seconds": round(import_cpu, 1),
        # The largest resident size of the commands run so far (the import is the largest)
        "import_process_max_rss_mb": round(cpu_after.ru_maxrss / 1024),
        "same_file_again_seconds": again_seconds,
        "after_first_import": first, "after_second_import": second,
        "machine": machine(), "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }
    (HERE / "results").mkdir(exist_ok=True)
    suffix = f"-workers{args.workers}" if args.workers else ""
    out = HERE / "results" / f"import-{args.rows}{suffix}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
