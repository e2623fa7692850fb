"""The id of the request being served, readable anywhere in its task (every log line of one
request carries it). The id itself is resolvers/request_ids.py's, the one of its scope."""

from __future__ import annotations

from contextvars import ContextVar

from resolvers.request_ids import request_id

_current: ContextVar[str | None] = ContextVar("onewindow_request_id", default=None)


def begin(scope: dict) -> str:
    """Takes or makes the request's id (kept on its scope) and makes it this task's."""
    rid = request_id(scope)
    _current.set(rid)
    return rid


def current() -> str | None:
    """The id of the request being served in this task, or None outside a request."""
    return _current.get()
