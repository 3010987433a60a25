"""Database functions and conditions Django does not ship."""

from __future__ import annotations

from django.db.models import BigIntegerField, F, Func, Q


def not_reminded_of(reminded: str, due: str) -> Q:
    """Rows whose reminder was not sent for their current ``due`` value: ``reminded`` (the
    value the last reminder was sent for) is empty or another. A periodic reminder job
    reads only these, instead of asking again about every row it reminded already."""
    return Q(**{f"{reminded}__isnull": True}) | ~Q(**{reminded: F(due)})


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a date-time column, as an integer.

    Reading thousands of date-times costs more in Python than in the database (Django's
    PostgreSQL time-zone loader parses each one with a regular expression): a calculation
    that only compares instants reads them as numbers instead."""

    output_field = BigIntegerField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)",
                           **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Date-times are stored as UTC text there; julianday() reads them on every SQLite
        # version (and a literal '%s' would be taken for a parameter).
        return self.as_sql(compiler, connection, template=(
            "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS integer)"),
            **extra)
