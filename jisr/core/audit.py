"""The one way anything writes to the audit trail.

Services call :func:`record` after a change, :func:`record_read` when someone opens a
sensitive record, and :func:`record_bulk` once for a bulk operation with its counts. Before and
after values are kept only for the fields a model lists in ``AUDIT_VALUE_FIELDS`` (non-personal
ones); for the others only the field name is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from jisr.core import context
from jisr.core.models import AuditEntry


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, field_names: Iterable[str]) -> dict[str, Any]:
    """Values of the named fields, for comparing before and after a change."""
    values = {}
    for name in field_names:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(obj.pk and getattr(obj, name).values_list("pk", flat=True) or [])
        else:
            values[name] = _jsonable(getattr(obj, field.attname))
    return values


def record(*, actor, action: str, obj: models.Model | None = None,
           before: dict | None = None, after: dict | None = None, reason: str = "",
           kind: str = AuditEntry.Kind.WRITE, object_type: str = "", object_id: str = "",
           object_label: str = "", count: int | None = None) -> AuditEntry:
    before = before or {}
    after = after or {}
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if obj is not None:
        object_type = object_type or _label(obj)
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
        # obj.__class__, not type(obj): request.user is a lazy proxy whose type is not User.
        public = set(getattr(obj.__class__, "AUDIT_VALUE_FIELDS", ()))
    else:
        public = set()
    ctx = context.current()
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label if obj is None or getattr(obj.__class__, "AUDIT_LABEL_PUBLIC",
                                                            False) else "",
        fields=changed,
        before={k: v for k, v in before.items() if k in public and k in changed},
        after={k: v for k, v in after.items() if k in public and k in changed},
        reason=reason,
        count=count,
        request_id=ctx.request_id,
        channel=ctx.channel,
        ip=ctx.ip,
    )


def record_read(*, actor, obj: models.Model, reason: str = "", action: str = "") -> AuditEntry:
    return record(actor=actor, action=action or f"{_label(obj)}.read", obj=obj, reason=reason,
                  kind=AuditEntry.Kind.READ)


def record_reads(*, actor, objs: list[models.Model], action: str, reason: str = "") \
        -> list[AuditEntry]:
    """:func:`record_read` of several records in one INSERT (a list of identity cards
    shown at once): the same entries, one round trip to the database."""
    ctx = context.current()
    return AuditEntry.objects.bulk_create([AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None, kind=AuditEntry.Kind.READ,
        action=action, object_type=_label(obj), object_id=str(obj.pk),
        object_label=str(obj)[:200] if getattr(obj.__class__, "AUDIT_LABEL_PUBLIC", False) else "",
        fields=[], before={}, after={}, reason=reason, request_id=ctx.request_id,
        channel=ctx.channel, ip=ctx.ip) for obj in objs])


def record_bulk(*, actor, action: str, object_type: str, count: int, reason: str = "") \
        -> AuditEntry:
    return record(actor=actor, action=action, object_type=object_type, count=count,
                  reason=reason, kind=AuditEntry.Kind.BULK)


def record_security(*, actor, action: str, obj: models.Model | None = None,
                    reason: str = "") -> AuditEntry:
    return record(actor=actor, action=action, obj=obj, reason=reason,
                  kind=AuditEntry.Kind.SECURITY)
