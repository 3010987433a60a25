"""Database triggers that make the audit table append-only, on PostgreSQL and SQLite.

The migration installs them; :func:`remove` exists only for the ``flush`` command (emptying a
whole database, which the test runner does between browser tests) and puts them back after.
"""

from __future__ import annotations

TABLE = "core_auditentry"
MESSAGE = "jisr audit trail is append-only"

_POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION jisr_audit_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""CREATE TRIGGER jisr_audit_no_update BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION jisr_audit_refuse()""",
    f"""CREATE TRIGGER jisr_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION jisr_audit_refuse()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS jisr_audit_no_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS jisr_audit_no_truncate ON {TABLE}",
]
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS jisr_audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS jisr_audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS jisr_audit_no_update",
    "DROP TRIGGER IF EXISTS jisr_audit_no_delete",
]


def statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    raise RuntimeError(f"no append-only triggers written for database vendor {vendor!r}")


def apply(connection, *, install: bool) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, install=install):
            cursor.execute(sql)


def install_migration_op(apps, schema_editor) -> None:
    apply(schema_editor.connection, install=True)


def remove_migration_op(apps, schema_editor) -> None:
    apply(schema_editor.connection, install=False)
