"""Gapless numbers: a row per counter, locked by the transaction that uses the number.

The counter row stays locked until that transaction ends, so callers take numbers as late
as they can: every other use of the same counter waits meanwhile. (The event-log head is
locked only while a transaction commits, after everything else, so the two never deadlock.)
"""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain import sql

_ADVANCE = "UPDATE number_sequence SET value = value + ? WHERE name = ? RETURNING value"


async def next_values(conn: BaseDBAsyncClient, name: str, count: int = 1) -> list[int]:
    """The next `count` numbers of counter `name`; given back with the caller's transaction if it rolls back."""
    if count <= 0:
        return []
    rows = await sql.execute(conn, [(_ADVANCE, [count, name])])
    if not rows:  # the counter's first use (a new year or kind)
        rows = await sql.execute(conn, [
            ("INSERT INTO number_sequence (name, value) VALUES (?, 0) ON CONFLICT DO NOTHING", [name]),
            (_ADVANCE, [count, name]),
        ])
    last = rows[0][0]
    return list(range(last - count + 1, last + 1))


async def next_value(conn: BaseDBAsyncClient, name: str) -> int:
    return (await next_values(conn, name))[0]
