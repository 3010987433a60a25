"""Narrow joins: a list reads the related rows it shows by what names them, not whole.

A page that joins a case's events with their actors and centres, or a plan's steps with
their owners, shows of each joined row a name; joined whole, every column of every table
is written into the SQL, sent back and set on an instance. ``named`` joins the relations
and keeps, of each, its primary key and the columns given (the model's own columns all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import QuerySet


def own_fields(model) -> list[str]:
    """The names of a model's own columns (``only()`` takes these)."""
    return [f.name for f in model._meta.concrete_fields]


def related(relation: str, names: Iterable[str]) -> list[str]:
    """``relation__name`` for each name: the paths of a joined row's columns (for
    ``only()`` and ``values()``)."""
    return [f"{relation}__{name}" for name in names]


def named(qs: QuerySet, relations: Mapping[str, Iterable[str]]) -> QuerySet:
    """``qs`` joined with each relation (``"actor"``, ``"version__questionnaire"``), of
    which only the given columns are read; the model's own columns are all read."""
    fields = own_fields(qs.model)
    for relation, names in relations.items():
        fields.extend(related(relation, names))
    return qs.select_related(*relations).only(*fields)
