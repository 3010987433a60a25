"""Sensitive fields are encrypted at rest; keys rotate without losing data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from jisr.core.crypto import UndecryptableValue
from jisr.core.models import AuditEntry
from jisr.registry.models import SensitiveDetails

ROOT = Path(__file__).resolve().parents[3]
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw_row(person_id) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT health_details, protection_categories, disability_types "
                       "FROM registry_sensitivedetails WHERE person_id = %s", [person_id])
        return cursor.fetchone()


def test_the_database_holds_no_plaintext_of_sensitive_details(world):
    person = world.persons["marrakech"]
    stored = _raw_row(person.pk)
    assert all(value.startswith("gAAAA") for value in stored)  # Fernet tokens
    assert "Diabetes" not in "".join(stored) and "domestic_violence" not in "".join(stored)
    details = SensitiveDetails.objects.get(person=person)
    assert details.health_details.startswith("Diabetes")
    assert details.protection_categories == ["domestic_violence"]


def test_the_same_text_is_encrypted_differently_each_time(world):
    first = SensitiveDetails.objects.create(person=world.persons["oujda"],
                                            health_details="Diabetes")
    other = _raw_row(world.persons["marrakech"].pk)[0]
    assert _raw_row(first.person_id)[0] != other


def test_encrypted_fields_refuse_lookups_that_would_compare_ciphertext(world):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(SensitiveDetails.objects.filter(health_details="Diabetes"))
    assert SensitiveDetails.objects.filter(health_details__isnull=False).count() == 1


def test_rotation_re_encrypts_with_the_new_key_and_the_old_one_can_go(world, settings,
                                                                       capsys):
    settings.JISR_FIELD_KEYS = [KEY_A]
    person = world.persons["oujda"]
    SensitiveDetails.objects.create(person=person, health_details="Asthma",
                                    protection_categories=["child_protection"])
    # The world's row was written with the test key: re-encrypt it under A first.
    settings.JISR_FIELD_KEYS = [KEY_A, os.environ["JISR_FIELD_KEYS"]]
    call_command("rotate_field_keys")
    settings.JISR_FIELD_KEYS = [KEY_A]
    under_a = _raw_row(person.pk)

    settings.JISR_FIELD_KEYS = [KEY_B, KEY_A]  # B new and first, A still readable
    call_command("rotate_field_keys")
    # Two sensitive details, the world's merge record (its "values before") and the world's
    # two notes on the Marrakech case (cases.CaseNote: one sensitive, one plain).
    assert "5 row(s) re-encrypted" in capsys.readouterr().out
    assert _raw_row(person.pk) != under_a

    settings.JISR_FIELD_KEYS = [KEY_B]  # A dropped
    details = SensitiveDetails.objects.get(person=person)
    assert details.health_details == "Asthma"
    assert details.protection_categories == ["child_protection"]
    assert SensitiveDetails.objects.get(person=world.persons["marrakech"]
                                        ).health_details.startswith("Diabetes")
    assert AuditEntry.objects.filter(action="core.field_keys.rotate", count=5).exists()


def test_dropping_a_key_before_rotating_is_reported_not_silently_wrong(world, settings):
    settings.JISR_FIELD_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue):
        SensitiveDetails.objects.get(person=world.persons["marrakech"])
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_field_keys")


def _start(environment: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JISR_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "import jisr.settings as s; print(len(s.JISR_FIELD_KEYS))"],
        env={**clean, **environment, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        capture_output=True, text=True, timeout=60)


def test_outside_demo_mode_there_is_no_start_without_field_keys(tmp_path):
    result = _start({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "JISR_FIELD_KEYS must be set" in result.stderr
    result = _start({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50,
                     "JISR_FIELD_KEYS": "not-a-key"})
    assert result.returncode != 0 and "not a Fernet key" in result.stderr


def test_keys_come_from_a_file_one_per_line(tmp_path):
    (tmp_path / "keys").write_text(f"{KEY_B}\n{KEY_A}\n")
    result = _start({"JISR_DATA_DIR": str(tmp_path), "JISR_SECRET_KEY": "x" * 50,
                     "JISR_FIELD_KEYS_FILE": str(tmp_path / "keys")})
    assert result.stdout.strip() == "2", result.stderr


def test_demo_mode_generates_and_keeps_a_key(tmp_path):
    first = _start({"JISR_DATA_DIR": str(tmp_path), "JISR_DEMO": "1"})
    assert first.stdout.strip() == "1", first.stderr
    key = (tmp_path / "demo-field-keys").read_text()
    _start({"JISR_DATA_DIR": str(tmp_path), "JISR_DEMO": "1"})
    assert (tmp_path / "demo-field-keys").read_text() == key
