"""Gapless numbers: a row per counter, locked by the transaction that uses the number.

The counter row stays locked until that transaction ends, so callers take a number as late
as they can: every other use of the same counter waits meanwhile.
"""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.models import NumberSequence


def _placeholder(conn: BaseDBAsyncClient) -> str:
    return "$1" if conn.capabilities.dialect == "postgres" else "?"


async def next_value(conn: BaseDBAsyncClient, name: str) -> int:
    """The next number of counter `name`; rolled back, and so given back, with the caller's transaction."""
    increment = f"UPDATE number_sequence SET value = value + 1 WHERE name = {_placeholder(conn)} RETURNING value"
    rows = await conn.execute_query_dict(increment, [name])
    if not rows:  # the counter's first use (a new year or kind)
        await NumberSequence.bulk_create([NumberSequence(name=name, value=0)], ignore_conflicts=True, using_db=conn)
        rows = await conn.execute_query_dict(increment, [name])
    return rows[0]["value"]
