"""Settings read the environment through typed helpers that fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jisr import env

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("off", False),
                                             ("", False)])
def test_booleans_are_read_strictly(monkeypatch, value, expected):
    monkeypatch.setenv("JISR_X", value)
    assert env.env_bool("JISR_X", not expected) is expected


def test_a_malformed_value_names_its_variable(monkeypatch):
    monkeypatch.setenv("JISR_X", "ture")
    with pytest.raises(env.ImproperEnvironment, match="JISR_X='ture'"):
        env.env_bool("JISR_X", False)
    monkeypatch.setenv("JISR_N", "ten")
    with pytest.raises(env.ImproperEnvironment, match="JISR_N"):
        env.env_int("JISR_N", 1)
    monkeypatch.setenv("JISR_N", "0")
    with pytest.raises(env.ImproperEnvironment, match="at least 1"):
        env.env_int("JISR_N", 5, minimum=1)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    monkeypatch.setenv("JISR_SECRET_KEY_FILE", str(tmp_path / "secret"))
    assert env.env_str("JISR_SECRET_KEY") == "from-a-file"
    monkeypatch.setenv("JISR_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(env.ImproperEnvironment, match="cannot be read"):
        env.env_str("JISR_SECRET_KEY")


def _settings(environment: dict, show: str = "s.DEBUG, s.TIME_ZONE"
              ) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JISR_", "DJANGO_"))}
    # Field encryption keys are required outside demo mode too (registry/tests/test_crypto
    # tests their absence); these tests are about the other settings.
    keys = {"JISR_FIELD_KEYS": os.environ["JISR_FIELD_KEYS"]}
    return subprocess.run(
        [sys.executable, "-c", f"import jisr.settings as s; print({show})"],
        env={**clean, **keys, **environment, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        capture_output=True, text=True, timeout=60)


def test_outside_demo_mode_there_is_no_default_secret(tmp_path):
    result = _settings({"JISR_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "JISR_SECRET_KEY must be set" in result.stderr


def test_debug_is_off_and_the_clock_is_casablanca_by_default(tmp_path):
    result = _settings({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50})
    assert result.stdout.split() == ["False", "Africa/Casablanca"]


def test_a_typo_in_a_setting_stops_the_start(tmp_path):
    result = _settings({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50,
                        "JISR_SESSION_IDLE_MINUTES": "half an hour"})
    assert result.returncode != 0 and "JISR_SESSION_IDLE_MINUTES" in result.stderr


def test_database_url_switches_the_database_without_code_change(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import jisr.settings as s; print(s.DATABASES['default']"
                               "['ENGINE'], s.DATABASES['default']['NAME'])"],
        env={**os.environ, "JISR_SECRET_KEY": "x" * 50, "JISR_DATA_DIR": str(tmp_path),
             "DATABASE_URL": "postgres://jisr@db.example:5432/jisr", "PYTHONPATH": str(ROOT)},
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["django.db.backends.postgresql", "jisr"]


@pytest.mark.parametrize("environment, expected", [
    ({}, "-c jit=off -c max_parallel_workers_per_gather=0"),
    ({"JISR_DB_JIT": "1", "JISR_DB_PARALLEL_WORKERS": "2"},
     "-c max_parallel_workers_per_gather=2"),
])
def test_postgresql_pages_run_without_jit_nor_parallel_workers(tmp_path, environment,
                                                               expected):
    result = _settings({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50,
                        "DATABASE_URL": "postgres://u@127.0.0.1:5432/jisr", **environment},
                       show="s.DATABASES['default']['OPTIONS']['options']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("environment, expected", [
    ({}, "True 5 600"),
    ({"JISR_DB_PREPARED": "0", "JISR_DB_CONN_MAX_AGE": "60"}, "None None 60"),
])
def test_postgresql_prepares_the_queries_it_repeats(tmp_path, environment, expected):
    """Parameters go apart from the query (server-side binding) and psycopg prepares a
    query run five times on a connection, so PostgreSQL plans it once; off for a pooler
    that cannot carry prepared statements. A connection, and its statements, lives ten
    minutes."""
    result = _settings({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50,
                        "DATABASE_URL": "postgres://u@127.0.0.1:5432/jisr", **environment},
                       show="*(s.DATABASES['default']['OPTIONS'].get(k) for k in "
                            "('server_side_binding', 'prepare_threshold')), "
                            "s.DATABASES['default']['CONN_MAX_AGE']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_server_process_loads_its_views_and_sets_aside_what_it_holds(tmp_path):
    """jisr.wsgi (what `jisr serve` runs) imports every view at start, then freezes what
    the process holds for its life, which the collector then skips, and collects less
    often than Python's default."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JISR_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-c", "import gc, sys, jisr.wsgi; "
                               "print(gc.get_freeze_count(), 'jisr.cases.views' in sys.modules, "
                               "*gc.get_threshold())"],
        env={**clean, "JISR_FIELD_KEYS": os.environ["JISR_FIELD_KEYS"],
             "JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50,
             "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    frozen, views, *threshold = result.stdout.split()
    assert int(frozen) > 10_000 and views == "True"
    assert threshold == ["10000", "50", "100"]
