"""The id of a request, one for everything: the client's (or the proxy's) `X-Request-ID` when
it is a sane one, else one made here, once per request.

Kept on the ASGI scope, so every part of one request that asks (the log line and the response
header in api/logs.py, an INTERNAL error's `requestId` and the server log's traceback in
resolvers/errors.py, the read audit's records) gets the same id as nginx's access log.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import MutableMapping
from typing import Any

HEADER = b"x-request-id"
SCOPE_KEY = "onewindow.request_id"
# What a proxy or client may hand us to correlate logs: short enough for the access record's
# column, and nothing that could smuggle a newline or a quote into a log.
SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def from_header(value: str | None) -> str:
    """The header's value if acceptable, else a new random id."""
    if value and SANE.fullmatch(value):
        return value
    return secrets.token_hex(16)


def request_id(scope: MutableMapping[str, Any] | None) -> str:
    """The request's id, taken or made the first time it is asked for and kept on its scope."""
    if scope is None:
        return secrets.token_hex(16)
    known = scope.get(SCOPE_KEY)
    if known is None:
        given = next((value for name, value in scope.get("headers") or () if name.lower() == HEADER), None)
        known = scope[SCOPE_KEY] = from_header(given.decode("latin-1") if given is not None else None)
    return known
