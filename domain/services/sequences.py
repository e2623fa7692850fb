"""Gapless numbers: a row per counter, locked by the transaction that uses the number."""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.models import NumberSequence


async def next_value(conn: BaseDBAsyncClient, name: str) -> int:
    """The next number of counter `name`; rolled back, and so given back, with the caller's transaction."""
    await NumberSequence.bulk_create([NumberSequence(name=name, value=0)], ignore_conflicts=True, using_db=conn)
    row = await NumberSequence.select_for_update().using_db(conn).get(name=name)
    row.value += 1
    await row.save(using_db=conn, update_fields=["value"])
    return row.value
