"""`jisr import` killed with SIGKILL in the middle of a file resumes where it stopped: the
command runs in a subprocess against the test database (SQLite file or PostgreSQL), is
killed after some chunks, run again, and the registry ends with exactly one person per row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from jisr.imports.models import ImportedRow, ImportIssue, ImportRun
from jisr.imports.tests.helpers import csv_bytes
from jisr.registry.models import Person, PersonFollow, PersonMatchKey

ROOT = Path(__file__).resolve().parents[3]
ROWS = 1200
SOURCE = "Association Annour"
_SYLLABLES = ("ba", "ki", "lo", "mu", "ra", "ti", "zo", "fe", "du", "sa", "ne", "go")
_FIRST = ("Amina", "Youssef", "Khadija", "Omar", "Salma", "Hamid", "Nadia", "Rachid")


def _rows() -> list[list]:
    rows = []
    for i in range(ROWS):
        a, b, c = i % 12, (i // 12) % 12, (i // 144) % 12
        family = "Ait " + (_SYLLABLES[a] + _SYLLABLES[b] + _SYLLABLES[c]).capitalize()
        # A distinct CIN per row: two rows with different valid CINs are never one person
        rows.append([_FIRST[i % 8], family, "", "", "F" if i % 2 else "M",
                     f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1940 + i % 60}", f"BK{100000 + i}",
                     "", "07.351.01.0", f"{i} Derb Jdid", "", ""])
    return rows


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{os.path.abspath(s['NAME'])}"
    host = s.get("HOST") or "127.0.0.1"
    return f"postgres://{s.get('USER') or ''}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


def _command(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "jisr.cli", "import", str(path), "--centre",
            "JIS-07.351.01.0", "--source", SOURCE, "--chunk-size", "40", *extra]


def _env() -> dict:
    return {**os.environ, "DATABASE_URL": _database_url(), "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "jisr.test_settings"}


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cursor() -> int:
    connection.close()  # a fresh snapshot of what the other process committed
    return ImportRun.objects.filter(source__name=SOURCE).values_list(
        "cursor", flat=True).first() or 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_import_killed_mid_file_resumes_to_exactly_one_person_per_row(tmp_path, workers):
    from jisr.testing.personas import build_world

    build_world()
    path = tmp_path / "annour.csv"
    path.write_bytes(csv_bytes(_rows()))
    before = Person.objects.count()
    follows_before = PersonFollow.objects.filter(centre__code="JIS-07.351.01.0").count()
    # Given an import killed with SIGKILL after a few chunks
    # (with worker processes parsing ahead, the second time: they die with it)
    process = subprocess.Popen(_command(path, "--pause", "0.2", "--quiet", "--workers",
                                        workers), env=_env(),
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _cursor() < 200:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.1)
    children = _children(process.pid)
    assert len(children) == (int(workers) if workers != "1" else 0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    # its worker processes leave with it
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children):
        assert time.monotonic() < deadline, "worker processes outlived the import"
        time.sleep(0.1)
    run = ImportRun.objects.get(source__name=SOURCE)
    assert run.status == ImportRun.Status.RUNNING
    assert 200 <= run.cursor < ROWS and run.cursor % 40 == 0
    assert Person.objects.count() - before == run.created == run.cursor
    # When the same command runs again
    done = subprocess.run(_command(path, "--workers", workers), env=_env(), cwd=ROOT,
                          capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "resuming run" in done.stderr and "%" in done.stderr
    # Then it finished from where it stopped, losing and doubling nothing
    connection.close()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.cursor == ROWS
    assert run.created == ROWS and run.invalid == 0, list(ImportIssue.objects.filter(
        run=run, severity="error").values_list("row", "code")[:5])
    created = Person.objects.exclude(pk__lt=0).count() - before
    assert created == ROWS
    assert ImportedRow.objects.count() == ROWS
    assert sorted(ImportedRow.objects.values_list("row", flat=True)) == list(
        range(2, ROWS + 2))
    assert PersonFollow.objects.filter(
        centre__code="JIS-07.351.01.0").count() - follows_before == ROWS
    assert not PersonMatchKey.objects.exclude(person__in=Person.objects.all()).exists()
    # And the same command once more adds nothing
    again = subprocess.run(_command(path, "--quiet"), env=_env(), cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{ROWS} already imported" in again.stdout
    connection.close()
    assert Person.objects.count() - before == ROWS
