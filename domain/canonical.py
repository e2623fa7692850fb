"""Canonical JSON and hashing: the one byte form that hashes and signatures are taken over."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

_PLAIN = frozenset({str, int, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    """Turn Decimals, datetimes and enums into strings so JSON never sees a float for money."""
    if type(value) in _PLAIN:  # most of a document; exact types, so enums and bools-as-ints still convert
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical documents; use Decimal")
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, UTF-8 (no escapes), no spaces (DESIGN §3)."""
    return dumps_canonical(to_jsonable(value))


def dumps_canonical(jsonable: Any) -> str:
    """`canonical_json` of a value that is JSON-ready already (as `to_jsonable` leaves it)."""
    return json.dumps(jsonable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_hash(value: Any) -> str:
    return sha256_hex(canonical_json(value))
