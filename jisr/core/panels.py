"""Panels of the role homes. Each app registers the panels it contributes; the home page shows
those whose ``applies`` says yes for the user, in order. A panel's context comes from
selectors that take the user, so the home obeys the access policy like any other page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    order: int
    applies: Callable
    context: Callable


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def panels_for(user) -> list[tuple[Panel, dict]]:
    autodiscover_modules("panels")
    return [(p, p.context(user)) for p in sorted(_panels.values(), key=lambda p: p.order)
            if p.applies(user)]
