"""Who is acting, from which request: carried through a context variable to the audit trail.

A context variable (not a thread local) so it follows the code into the worker's tasks and
into async views alike; the middleware and the worker set it, services read it.
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    request_id: str
    actor_id: int | None = None
    ip: str | None = None
    channel: str = "web"  # web, api, cli, task


_current: ContextVar[ActorContext | None] = ContextVar("jisr_actor_context", default=None)


def current() -> ActorContext:
    ctx = _current.get()
    return ctx if ctx is not None else ActorContext(request_id="", channel="cli")


@contextlib.contextmanager
def acting(*, actor_id: int | None = None, channel: str, ip: str | None = None,
           request_id: str | None = None):
    token = _current.set(ActorContext(request_id=request_id or uuid.uuid4().hex,
                                      actor_id=actor_id, ip=ip, channel=channel))
    try:
        yield
    finally:
        _current.reset(token)
