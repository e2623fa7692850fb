"""Relay global IDs ("Type:pk", base64) and opaque connection cursors."""

from __future__ import annotations

import base64
import binascii

from domain.errors import DomainError

CURSOR_WIDTH = 16
# Primary keys are 32-bit (event seqs 64-bit); a longer ID or cursor names nothing stored.
MAX_PK = 2**31 - 1
MAX_SEQ = 2**63 - 1
MAX_ID_LENGTH = 64


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, pk), or None when the string is not one of our IDs (nor could be)."""
    if len(global_id) > MAX_ID_LENGTH:
        return None
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not type_name or not _ascii_number(pk, MAX_SEQ if type_name == "Event" else MAX_PK):
        return None
    return type_name, int(pk)


def _ascii_number(text: str, limit: int) -> bool:
    # str.isdigit() is true of "²" and "١"; an ID or cursor is ASCII digits within its column.
    # Cursors are zero-padded to CURSOR_WIDTH; a longer text is no number we gave out.
    return (
        text.isascii() and text.isdigit() and len(text) <= max(CURSOR_WIDTH, len(str(MAX_SEQ))) and int(text) <= limit
    )


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


def decode_cursor(cursor: str | None, limit: int = MAX_SEQ) -> int | None:
    """The position of a cursor; `limit` is the largest its key column holds."""
    if cursor is None:
        return None
    if cursor == "":  # a client's unset variable, most likely: say what it should send instead
        raise DomainError(
            "INVALID_INPUT",
            f'an empty cursor: replay from the start with "{OPENING_CURSOR}", or leave `after` out for what comes next',
            ["after"],
        )
    if not _ascii_number(cursor, limit):
        raise DomainError("INVALID_INPUT", "not a cursor this server gave out", ["after"])
    return int(cursor)
