"""The imports panel of a centre manager's home: the latest runs and a way to start one."""

from __future__ import annotations

from jisr.accounts import policy
from jisr.core.panels import Panel, register
from jisr.imports import selectors


def _context(user) -> dict:
    return {"runs": list(selectors.runs_for(user)[:5])}


register(Panel(key="imports", template="imports/panels/imports.html", order=40,
               applies=lambda user: policy.has_perm(user, "imports.import_persons"),
               context=_context))
