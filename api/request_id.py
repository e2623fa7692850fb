"""X-Request-ID: the client's (or the proxy's) id when it is a sensible one, else a new one;
returned on the response and readable anywhere in the request's task, so every log line and
error report of one request carries the same id as nginx's access log."""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "x-request-id"
# Long enough for a UUID or a trace id; nothing that could smuggle a newline or a quote into a log.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_current: ContextVar[str | None] = ContextVar("onewindow_request_id", default=None)


def from_header(value: str | None) -> str:
    """The id a request goes by: the header's value if acceptable, else a new random one."""
    if value and _ACCEPTED.fullmatch(value):
        return value
    return uuid.uuid4().hex


def from_scope(scope: dict) -> str:
    for name, value in scope.get("headers") or ():
        if name == b"x-request-id":
            return from_header(value.decode("latin-1"))
    return from_header(None)


def begin(request_id: str) -> None:
    _current.set(request_id)


def current() -> str | None:
    """The id of the request being served in this task, or None outside a request."""
    return _current.get()
