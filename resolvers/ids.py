"""Relay global IDs ("Type:pk", base64) and opaque connection cursors."""
from __future__ import annotations

import base64
import binascii

from domain.errors import DomainError

CURSOR_WIDTH = 16


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, pk), or None when the string is not one of our IDs."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return (type_name, int(pk)) if type_name and pk.isdigit() else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def pk_of(global_id: str, type_name: str, field: list[str]) -> int:
    """The pk of a global ID of `type_name`, or an INVALID_INPUT error naming `field`."""
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise DomainError("INVALID_INPUT", f"not the ID of a {type_name}", field)
    return decoded[1]


def encode_cursor(position: int) -> str:
    """Zero-padded, so cursors compare in the same order as strings and as numbers."""
    return f"{position:0{CURSOR_WIDTH}d}"


# Before every event: `after` set to it replays the whole log (README, docs/tutorial.md).
OPENING_CURSOR = "0" * CURSOR_WIDTH


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if cursor == "":  # a client's unset variable, most likely: say what it should send instead
        raise DomainError("INVALID_INPUT", f'an empty cursor: replay from the start with "{OPENING_CURSOR}", '
                                           "or leave `after` out for what comes next", ["after"])
    if not cursor.isdigit():
        raise DomainError("INVALID_INPUT", "not a cursor this server gave out", ["after"])
    return int(cursor)
