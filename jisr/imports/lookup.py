"""Candidates of a whole chunk of rows in one query per table.

The registry's live check (registry/duplicates.py, ``_candidate_ids``) fetches the persons
sharing a key with one draft and drops the keys shared by more than ``block_limit(key)``
persons. An import asks the same question for thousands of rows at once: each distinct key
of the chunk is asked once, and on PostgreSQL each key's lookup stops after its limit plus
one row (a ``LATERAL … LIMIT``), so a very common key ("f:mhmd") costs a few index entries,
not the tens of thousands of persons who share it.

A request is ``(key, undated_only)``: keys of names without a date (``DATELESS``) pair a row
that has a full birth date only with persons lacking one, the engine's rule.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from jisr.matching import block_limit
from jisr.registry.models import Person, PersonMatchKey

Request = tuple[str, bool]
_BATCH = 500  # SQLite's parameter limit is far, but a long IN list plans badly anywhere


class Members(dict):
    """Request → ids of the keys within their limit; ``oversized`` the others."""

    oversized: set


def _bounded(found: dict[Request, list[int]], requests) -> Members:
    members = Members({r: ids for r, ids in found.items() if len(ids) <= block_limit(r[0])
                       and r in requests})
    members.oversized = {r for r, ids in found.items() if len(ids) > block_limit(r[0])}
    return members


def registry_members(requests: set[Request]) -> Members:
    """Person ids sharing each requested key (keys over their limit left out)."""
    if not requests:
        return _bounded({}, requests)
    if connection.vendor == "postgresql":
        return _postgres(requests, table=PersonMatchKey._meta.db_table, column="person_id",
                         # A scalar subquery, not a join: the planner would otherwise
                         # scan the persons without a birth date once per key.
                         undated_sql=(f"WHERE t.key = q.key AND (SELECT p.birth_date FROM "  # noqa: S608
                                      f"{Person._meta.db_table} p WHERE p.id = t.person_id) "
                                      "IS NULL"),
                         where="t.key = q.key", params=[])
    found: dict[Request, list[int]] = defaultdict(list)
    for undated in (False, True):
        keys = sorted(k for k, u in requests if u == undated)
        for i in range(0, len(keys), _BATCH):
            qs = PersonMatchKey.objects.filter(key__in=keys[i:i + _BATCH])
            if undated:
                qs = qs.filter(person__birth_date__isnull=True)
            for key, person_id in qs.values_list("key", "person_id"):
                found[(key, undated)].append(person_id)
    return _bounded(found, requests)


def staged_members(run_id: int, requests: set[Request]) -> Members:
    """Row numbers of a dry run's earlier rows sharing each requested key."""
    from jisr.imports.models import StagedKey

    if not requests:
        return _bounded({}, requests)
    if connection.vendor == "postgresql":
        return _postgres(requests, table=StagedKey._meta.db_table, column='"row_number"',
                         undated_sql="WHERE t.run_id = %s AND t.key = q.key AND t.undated",
                         where="t.run_id = %s AND t.key = q.key", params=[run_id])
    found: dict[Request, list[int]] = defaultdict(list)
    for undated in (False, True):
        keys = sorted(k for k, u in requests if u == undated)
        for i in range(0, len(keys), _BATCH):
            qs = StagedKey.objects.filter(run_id=run_id, key__in=keys[i:i + _BATCH])
            if undated:
                qs = qs.filter(undated=True)
            for key, row in qs.values_list("key", "row_number"):
                found[(key, undated)].append(row)
    return _bounded(found, requests)


def _postgres(requests: set[Request], *, table: str, column: str, undated_sql: str,
              where: str, params: list) -> Members:
    found: dict[Request, list[int]] = {}
    for undated in (False, True):
        keys = sorted(k for k, u in requests if u == undated)
        if not keys:
            continue
        limits = [block_limit(k) + 1 for k in keys]
        condition = undated_sql if undated else f"WHERE {where}"
        # The keys travel as one text of lines, not an array: Django's cursors bind on the
        # client, where quoting an array of some 15,000 keys cost 18 ms a chunk against 2
        # (an empty key or one holding a line break, which no key is, takes the array).
        lines = "\n".join(keys)
        if keys[0] and lines.count("\n") == len(keys) - 1:
            values = "unnest(string_to_array(%s, chr(10)), string_to_array(%s, ',')::int[])"
            arguments = [lines, ",".join(map(str, limits))]
        else:
            values, arguments = "unnest(%s::text[], %s::int[])", [keys, limits]
        # Table and column names come from the models, values are parameters.
        sql = (
            f"SELECT q.key, m.id FROM {values} AS q(key, lim) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT t.{column} AS id FROM {table} t {condition} "
            f"LIMIT q.lim) m")
        members: dict[str, list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            # Thousands of tiny index lookups look costly to the planner, which would spend
            # longer compiling them (JIT) than running them, and would build a bitmap for
            # each key where a plain index scan stops at the limit (30 % faster measured).
            if not connection.get_autocommit():
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(sql, [*arguments, *params])
            for key, member in cursor.fetchall():
                members[key].append(member)
        for key, ids in members.items():
            found[(key, undated)] = ids
    return _bounded(found, requests)
