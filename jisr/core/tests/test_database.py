"""The application's PostgreSQL connections as settings.py opens them."""

from __future__ import annotations

import pytest
from django.db import connection

from jisr.accounts.models import User

pytestmark = pytest.mark.django_db


def test_postgresql_plans_a_repeated_query_once():
    """JISR_DB_PREPARED (on by default): the sixth run of the same query on a connection
    uses the statement psycopg prepared at the fifth, which PostgreSQL lists."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    user = User.objects.create(username="prepared")

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                           "WHERE statement LIKE '%%accounts_user%%'")
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(6):
        assert User.objects.filter(pk=user.pk, username="prepared").exists()
    assert prepared() == before + 1
