"""Gapless numbers: a row per counter, locked by the transaction that uses the number.

The counter row stays locked until that transaction ends, so callers take numbers as late
as they can: every other use of the same counter waits meanwhile.
"""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.models import NumberSequence


def _placeholders(conn: BaseDBAsyncClient) -> tuple[str, str]:
    return ("$1", "$2") if conn.capabilities.dialect == "postgres" else ("?", "?")


async def next_values(conn: BaseDBAsyncClient, name: str, count: int = 1) -> list[int]:
    """The next `count` numbers of counter `name`; given back with the caller's transaction if it rolls back."""
    if count <= 0:
        return []
    step, key = _placeholders(conn)
    increment = f"UPDATE number_sequence SET value = value + {step} WHERE name = {key} RETURNING value"
    rows = await conn.execute_query_dict(increment, [count, name])
    if not rows:  # the counter's first use (a new year or kind)
        await NumberSequence.bulk_create([NumberSequence(name=name, value=0)], ignore_conflicts=True, using_db=conn)
        rows = await conn.execute_query_dict(increment, [count, name])
    last = rows[0]["value"]
    return list(range(last - count + 1, last + 1))


async def next_value(conn: BaseDBAsyncClient, name: str) -> int:
    return (await next_values(conn, name))[0]
