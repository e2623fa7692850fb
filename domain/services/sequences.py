"""Gapless numbers: a row per counter, advanced by the transaction that uses the number.

The counter row stays locked until that transaction ends. Counters are only advanced
while the transaction holds the event-log head (see `eventlog.lock_head`), so they add no
queue of their own and cannot deadlock with it.
"""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain import eventlog


async def next_values(conn: BaseDBAsyncClient, name: str, count: int = 1) -> list[int]:
    """The next `count` numbers of counter `name`; given back with the caller's transaction if it rolls back."""
    if count <= 0:
        return []
    return (await eventlog.lock_head(conn, numbers={name: count})).numbers[name]


async def next_value(conn: BaseDBAsyncClient, name: str) -> int:
    return (await next_values(conn, name))[0]
