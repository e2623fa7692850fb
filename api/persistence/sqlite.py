"""The unit of work on SQLite: one writer at a time, so nothing is gained by sending the
last statements with the COMMIT; Tortoise's transaction, committed or rolled back explicitly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain import eventlog, sql
from domain.eventlog import NewEvent


class SqliteTransaction:
    def __init__(self, conn: Any, occurred_at: datetime) -> None:
        self._conn = conn  # Tortoise's SqliteTransactionWrapper
        self._occurred_at = occurred_at
        self._groups: list[tuple[list[sql.Statement], list[NewEvent]]] = []

    @property
    def conn(self) -> BaseDBAsyncClient:
        return self._conn  # type: ignore[no-any-return]

    async def execute(self, statements: Sequence[sql.Statement]) -> list[tuple[Any, ...]]:
        return await sql.execute(self._conn, statements)

    async def queue(self, writes: Sequence[sql.Statement], events: Sequence[NewEvent]) -> None:
        # Kept in order as groups of writes followed by events, each group one `append`
        # at the commit: an event's audience is read after the writes queued before it.
        if writes and self._groups and self._groups[-1][1]:
            self._groups.append(([], []))
        if not self._groups:
            self._groups.append(([], []))
        self._groups[-1][0].extend(writes)
        self._groups[-1][1].extend(events)

    async def commit(self) -> list[tuple[Any, ...]]:
        returned: list[tuple[Any, ...]] = []
        for writes, events in self._groups:
            rows = await eventlog.append(self._conn, self._occurred_at, events, writes)
            if any(isinstance(w, sql.Returning) for w in writes):
                returned = rows
        self._groups = []
        await self._conn.commit()
        return returned

    async def rollback(self) -> None:
        if not self._conn._finalized:
            await self._conn.rollback()


class SqliteDatabase:
    def __init__(self, connection_name: str = "default") -> None:
        self.connection_name = connection_name

    @asynccontextmanager
    async def transaction(self, occurred_at: datetime) -> AsyncIterator[SqliteTransaction]:
        async with in_transaction(self.connection_name) as conn:
            yield SqliteTransaction(conn, occurred_at)
