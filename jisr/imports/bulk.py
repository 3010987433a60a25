"""Writing many rows at once: PostgreSQL's COPY where the database is PostgreSQL, Django's
``bulk_create`` elsewhere. The rows are the same either way (field defaults and automatic
dates applied as ``save()`` would); only the way they travel differs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models
from psycopg.types.json import Jsonb


def postgres() -> bool:
    return connection.vendor == "postgresql"


def _columns(model: type[models.Model], with_pk: bool) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's own sequence (PostgreSQL)."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [table, column, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_objects(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert model instances (their primary keys set beforehand when they matter)."""
    if not objects:
        return
    if not postgres():
        model.objects.bulk_create(objects, batch_size=2000)
        return
    with_pk = objects[0].pk is not None
    fields = _columns(model, with_pk)
    automatic = [f for f in fields if getattr(f, "auto_now", False)
                 or getattr(f, "auto_now_add", False)]
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}

    def rows():
        for obj in objects:
            for field in automatic:
                field.pre_save(obj, add=True)
            yield [Jsonb(getattr(obj, f.attname)) if f.attname in json_fields
                   else getattr(obj, f.attname) for f in fields]

    _copy(model._meta.db_table, [f.column for f in fields], rows())


def insert_values(model: type[models.Model], attnames: Sequence[str],
                  rows: list[Sequence]) -> None:
    """Insert plain tuples of the named fields (no instance built on PostgreSQL)."""
    if not rows:
        return
    if not postgres():
        model.objects.bulk_create((model(**dict(zip(attnames, row, strict=True)))
                                   for row in rows), batch_size=5000)
        return
    columns = [model._meta.get_field(a.removesuffix("_id")).column
               if a.endswith("_id") else model._meta.get_field(a).column for a in attnames]
    _copy(model._meta.db_table, columns, rows)
