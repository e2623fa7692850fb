"""The id of a request: the client's `X-Request-ID` when it is a sane one, else a new one.

Kept on the ASGI scope, so every part of one request (the read audit, the server log, an
error's `requestId`) that asks gets the same id.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import MutableMapping
from typing import Any

HEADER = b"x-request-id"
SCOPE_KEY = "onewindow.request_id"
# What a proxy or client may hand us to correlate logs: short, and nothing to escape.
SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id(scope: MutableMapping[str, Any] | None) -> str:
    if scope is None:
        return uuid.uuid4().hex
    known = scope.get(SCOPE_KEY)
    if known is None:
        given = next((value for name, value in scope.get("headers") or () if name.lower() == HEADER), b"")
        text = given.decode("latin-1")
        known = scope[SCOPE_KEY] = text if SANE.fullmatch(text) else uuid.uuid4().hex
    return known
