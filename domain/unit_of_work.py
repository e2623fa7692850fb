"""The unit of work: the one way a use case writes (docs/architecture.md).

A service opens one with `use_case.unit_of_work()`, loads and locks through it, asks the
pure rules, queues its writes and events, and commits:

    async with use_case.unit_of_work() as uow:
        prop = await uow.lock(Property, property_id)
        ...                                    # rules decide
        await uow.write(sql.update(Property, prop.id, {"status": status}))
        await uow.record(event)
        await uow.commit()

Leaving the block without `commit()` (a refusal, an exception) rolls everything back, on
every database. What `write` and `record` queue is sent with the COMMIT, in order: reads in
the block do not see it; `execute` and `insert` run at once for what later steps must read
(a new row's id). `next_values` takes a gapless counter, locked until the end: take it last.

How a database runs the transaction is a `Database` strategy (api/persistence): on
PostgreSQL BEGIN is sent by hand and the queued statements travel with the COMMIT in one
round trip; on SQLite Tortoise's transaction commits. Domain code sees only these protocols.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from types import TracebackType
from typing import Any, NamedTuple, Protocol, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from domain import sql
from domain.eventlog import NewEvent

MODEL = TypeVar("MODEL", bound=Model)
JOINED = TypeVar("JOINED", bound=Model)
ROW = TypeVar("ROW", bound=tuple[Any, ...])


class Transaction(Protocol):
    """One open transaction, as a strategy runs it."""

    @property
    def conn(self) -> BaseDBAsyncClient: ...

    async def execute(self, statements: Sequence[sql.Statement]) -> list[tuple[Any, ...]]:
        """Run these now, in order, each seeing the ones before; the rows of the last `sql.Returning`."""

    async def queue(self, writes: Sequence[sql.Statement], events: Sequence[NewEvent]) -> None:
        """Keep these for the commit, after what was queued before them."""

    async def commit(self) -> list[tuple[Any, ...]]:
        """Send what is queued and COMMIT; the rows of the last queued `sql.Returning`."""

    async def rollback(self) -> None:
        """End the transaction undone; nothing if it has ended already."""


class Database(Protocol):
    def transaction(self, occurred_at: datetime) -> AbstractAsyncContextManager[Transaction]:
        """A transaction whose events all occur at `occurred_at`."""


_installed: Database | None = None


def install(database: Database | None) -> None:
    """The strategy of the database the process uses (api/db.py, when the ORM starts)."""
    global _installed
    _installed = database


def installed() -> Database:
    if _installed is None:
        raise RuntimeError("no database strategy installed: start the ORM with api.db.init_orm")
    return _installed


class UnitOfWork:
    """See the module's docstring. One use, one transaction."""

    def __init__(self, database: Database, occurred_at: datetime) -> None:
        self._database = database
        self.occurred_at = occurred_at
        self._context: AbstractAsyncContextManager[Transaction] | None = None
        self._transaction: Transaction | None = None
        self._committed = False

    async def __aenter__(self) -> UnitOfWork:
        self._context = self._database.transaction(self.occurred_at)
        self._transaction = await self._context.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._context is not None and self._transaction is not None
        try:
            if not self._committed:
                await self._transaction.rollback()
        finally:
            await self._context.__aexit__(exc_type, exc, tb)

    @property
    def _tx(self) -> Transaction:
        if self._transaction is None:
            raise RuntimeError("a unit of work is used inside its `async with` block")
        if self._committed:
            raise RuntimeError("the unit of work has committed: nothing more runs in it")
        return self._transaction

    @property
    def conn(self) -> BaseDBAsyncClient:
        """The transaction's connection, for ORM reads (`.using_db(uow.conn)`); writes go through the unit of work."""
        return self._tx.conn

    # Loading
    async def fetch(self, text: str, values: Sequence[Any], row: type[ROW], of: type[Model] | None = None) -> list[ROW]:
        """Rows as `row`; with `of`, each value converted by that model's field (`sql.fetch`)."""
        return await sql.fetch(self._tx.conn, text, values, row, of)

    async def read_where(self, model: type[MODEL], where: str, values: Sequence[Any]) -> list[MODEL]:
        """The rows `where` selects, as models in id order, not locked."""
        return await sql.rows_where(self._tx.conn, model, where, values)

    async def lock(self, model: type[MODEL], pk: int) -> MODEL | None:
        """The row, locked until the transaction ends; None if there is none."""
        rows = await sql.lock_where(self._tx.conn, model, "id = ?", [pk])
        return rows[0] if rows else None

    async def lock_joined(
        self, model: type[MODEL], joined: type[JOINED], on: str, where: str, values: Sequence[Any]
    ) -> list[tuple[MODEL, JOINED | None]]:
        """Rows of `model` (alias m) locked, each with the row of `joined` (alias j) `on` names, or None."""
        return await sql.lock_joined(self._tx.conn, model, joined, on, where, values)

    async def lock_where(self, model: type[MODEL], where: str, values: Sequence[Any]) -> list[MODEL]:
        """The rows `where` selects (in id order, the order every use case locks in), locked."""
        return await sql.lock_where(self._tx.conn, model, where, values)

    # Writing now: for what a later step of the use case reads back
    async def execute(self, *statements: sql.Statement) -> list[tuple[Any, ...]]:
        """Run at once, in order; the rows of the last `sql.Returning` (read them into a named row)."""
        return await self._tx.execute(statements)

    async def insert(self, model: type[Model], values: dict[str, Any]) -> int:
        """Insert one row at once; its id."""
        [[pk]] = await sql.execute(self._tx.conn, [sql.insert(model, values, returning="id")])
        return int(pk)

    async def next_values(self, counter: str, count: int = 1) -> list[int]:
        """The next `count` numbers of a gapless counter, whose row stays locked until the end."""
        if count <= 0:
            return []
        rows = await self.execute(sql.Returning(_ADVANCE, [count, counter]))
        if not rows:  # the counter's first use (a new year or kind)
            rows = await self.execute(
                sql.Statement(
                    "INSERT INTO number_sequence (name, value) VALUES (?, 0) ON CONFLICT DO NOTHING", [counter]
                ),
                sql.Returning(_ADVANCE, [count, counter]),
            )
        last = sql.named(_Counter)(rows[0]).value
        return list(range(last - count + 1, last + 1))

    # Writing with the commit
    async def write(self, *statements: sql.Statement) -> None:
        await self._tx.queue(statements, ())

    async def record(self, *events: NewEvent) -> None:
        """Events of the use case, appended to the log with the commit (numbered in commit order)."""
        await self._tx.queue((), events)

    async def commit(self) -> list[tuple[Any, ...]]:
        """Everything queued, then COMMIT. Returns the rows of the last queued `sql.Returning`.

        When rows are wanted back from a unit of work that ran nothing before its commit,
        PostgreSQL runs its writes as one statement, in which they do not see each other's
        effects (a deposit and its event): queue only writes that do not depend on each other."""
        returned = await self._tx.commit()
        self._committed = True
        return returned


class _Counter(NamedTuple):
    value: int


_ADVANCE = "UPDATE number_sequence SET value = value + ? WHERE name = ? RETURNING value"
