"""Encryption at rest of sensitive fields (law 09-08: health, disability, protection data).

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) before
they reach the database, so a stolen dump or backup shows only tokens. The keys come from
``settings.JISR_FIELD_KEYS`` (environment ``JISR_FIELD_KEYS`` or ``JISR_FIELD_KEYS_FILE``):
the first key encrypts, every key decrypts, so keys can be rotated without downtime:

1. put the new key first and keep the old ones after it (``NEW,OLD``), restart;
2. run ``jisr rotate-field-keys`` (re-encrypts every row with the first key);
3. drop the old key (``NEW``), restart.

Encrypted columns cannot be searched or sorted in SQL; only fields nobody searches on are
encrypted (disability and health details, protection categories).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from jisr.env import ImproperEnvironment


class UndecryptableValue(RuntimeError):
    """A stored value was encrypted with a key that is no longer configured."""


def parse_keys(raw: str | None) -> list[str]:
    """Keys from a comma- or newline-separated string (a key file may hold one per line)."""
    if not raw:
        return []
    return [k.strip() for k in raw.replace("\n", ",").split(",") if k.strip()]


def check_keys(keys: list[str]) -> list[str]:
    """Refuse malformed keys at start-up rather than at the first sensitive read."""
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ImproperEnvironment(
                f"JISR_FIELD_KEYS: key number {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes); generate one with: python3 -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'")
    return keys


def generate_key() -> str:
    return Fernet.generate_key().decode()


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("JISR_FIELD_KEYS is empty: sensitive fields cannot be read "
                                   "or written")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current() -> MultiFernet:
    # Read at each call, not at import: tests and rotation change the keys at run time.
    return _fernet(tuple(settings.JISR_FIELD_KEYS))


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise UndecryptableValue(
            "a sensitive value cannot be decrypted with the configured JISR_FIELD_KEYS "
            "(was a key dropped before `jisr rotate-field-keys` ran?)") from exc


def rotate_token(token: str) -> str:
    """The same plaintext, encrypted with the current (first) key."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise UndecryptableValue("a sensitive value cannot be decrypted with the configured "
                                 "keys") from exc


class EncryptedTextField(models.TextField):
    """Text stored encrypted. ``None`` stays NULL; every other value, even an empty string,
    is encrypted, so the column does not reveal which persons have details recorded."""

    description = "Text encrypted at rest"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return None if value is None else self._decode(decrypt(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(self._encode(value))

    def get_lookup(self, lookup_name):
        # Ciphertext is randomised: any comparison other than IS NULL would silently be wrong.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def _encode(self, value) -> str:
        return str(value)

    def _decode(self, text: str):
        return text


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a list of categories…) stored encrypted."""

    description = "JSON encrypted at rest"

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def _encode(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def _decode(self, text: str):
        return json.loads(text)

    def value_to_string(self, obj):
        return self._encode(self.value_from_object(obj))


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted columns and the names of those columns."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields
                 if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names
