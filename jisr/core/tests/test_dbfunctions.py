"""EpochSeconds reads an instant as seconds since 1970 UTC, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jisr.accounts.models import User
from jisr.core.dbfunctions import EpochSeconds

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("at", [
    datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 59, 59, 999000, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 0, 30, tzinfo=UTC),
])
def test_epoch_seconds_is_the_instants_timestamp(at):
    user = User.objects.create(username="epoch", date_joined=at)
    value = User.objects.filter(pk=user.pk).values_list(
        EpochSeconds("date_joined"), flat=True).get()
    assert value == round(at.timestamp())

