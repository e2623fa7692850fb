"""The unit of work on PostgreSQL: transactions whose last statement carries the COMMIT.

A use case on the sale path ends with one statement holding everything it writes and its
events. With Tortoise's `in_transaction` the COMMIT follows in a round trip of its own, and a
transaction holding a hot row (a gapless counter, DESIGN §3) holds it across one more turn
of the event loop, which every other request for that row waits out. Here BEGIN and COMMIT
are sent by hand, so `commit_rendered` can send the last statements and the COMMIT as one
simple-query message, the only protocol message that takes several statements. That
protocol has no parameters: each statement is prepared once per connection with SQL
`PREPARE` and called as `EXECUTE name(literals)` (`sql.literal`), so PostgreSQL parses and
plans it no more often than asyncpg's own prepared statements.

BEGIN is sent when the first statement needs the transaction: a unit of work that only
queues goes to the database in one round trip, BEGIN, its statements and COMMIT (or, when it
wants rows back, as one statement, a transaction by itself). Before BEGIN nothing is locked,
so what is queued waits as plain statements;
after it, each is made ready as it is queued, so what is done while a hot counter is held
is only what depends on it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from functools import lru_cache
from typing import Any

import asyncpg
from tortoise import connections
from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.backends.base_postgres.client import translate_exceptions
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from domain import eventlog, sql
from domain.eventlog import NewEvent


class PooledConnection(asyncpg.connection.Connection):
    """The pool's connections (api/db.py).

    asyncpg resets a connection on every return to the pool (advisory locks, LISTEN,
    cursors, session settings), one more round trip per query; OneWindow uses none of
    those, so the reset is skipped. `prepared_names` are the statements prepared on this
    connection with SQL PREPARE."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.prepared_names: OrderedDict[str, None] = OrderedDict()

    def get_reset_query(self) -> str:
        return ""


class _HandManagedTransaction(TransactionWrapper):
    """Tortoise's asyncpg transaction with BEGIN and COMMIT as plain statements, so the
    COMMIT can travel with the last write. No savepoints: nothing on these paths nests."""

    begun = False

    async def begin(self) -> None:
        """Deferred to the first statement that needs the transaction (`acquire_connection`)."""

    @translate_exceptions
    async def _begin_now(self) -> None:
        if not self.begun:
            self.begun = True
            await self._connection.execute("BEGIN")

    async def commit(self) -> None:
        await self._finish("COMMIT")

    async def rollback(self) -> None:
        await self._finish("ROLLBACK")

    @translate_exceptions
    async def _finish(self, script: str) -> None:
        self._check_open()
        self._finalized = True
        if not self.begun and script in ("COMMIT", "ROLLBACK"):
            return  # nothing was sent: nothing to end
        try:
            await self._connection.execute(script)
        except BaseException:
            if script != "ROLLBACK":
                # A failed write or COMMIT leaves the transaction aborted (or ended): end
                # it here, so the connection goes back to the pool clean.
                with suppress(Exception):
                    await self._connection.execute("ROLLBACK")
            raise

    def _check_open(self) -> None:
        if self._finalized:
            raise TransactionManagementError("the transaction has ended already")

    def acquire_connection(self) -> Any:
        # A statement after the COMMIT would run on its own, outside any transaction.
        self._check_open()
        return _BegunFirst(self, super().acquire_connection())

    def _in_transaction(self) -> TransactionContext:
        raise TransactionManagementError("a hand-managed transaction has no savepoints")


class _BegunFirst:
    """Tortoise's connection wrapper, with BEGIN sent before the transaction's first statement."""

    __slots__ = ("inner", "transaction")

    def __init__(self, transaction: _HandManagedTransaction, inner: Any) -> None:
        self.transaction, self.inner = transaction, inner

    async def __aenter__(self) -> Any:
        connection = await self.inner.__aenter__()
        if not self.transaction.begun:
            try:
                await self.transaction._begin_now()
            except BaseException:
                await self.inner.__aexit__(None, None, None)
                raise
        return connection

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.inner.__aexit__(*exc)


class PostgresTransaction:
    def __init__(self, conn: _HandManagedTransaction, occurred_at: datetime) -> None:
        self._conn = conn
        self._occurred_at = occurred_at
        self._waiting: list[sql.Statement] = []  # queued before BEGIN, as they came
        self._calls: list[str] = []  # queued after BEGIN, made ready (`rendered`)

    @property
    def conn(self) -> BaseDBAsyncClient:
        return self._conn

    async def execute(self, statements: Sequence[sql.Statement]) -> list[tuple[Any, ...]]:
        if len(statements) < 2 or _returns(statements):
            return await sql.execute(self._conn, statements)
        # Several statements and no rows wanted: one simple-query script, one round trip (BEGIN
        # too when nothing ran yet); each sees the writes of those before it, as one by one.
        calls = await rendered(self._conn, statements)
        if not self._conn.begun:
            self._conn.begun = True
            calls = ["BEGIN", *calls]
        await _run_script(self._conn, calls)
        return []

    async def queue(self, writes: Sequence[sql.Statement], events: Sequence[NewEvent]) -> None:
        # Every call precedes every waiting statement in the order they were queued.
        statements = [*writes, *eventlog.pending_inserts(self._occurred_at, events)]
        if self._conn.begun and not self._waiting and not _returns(statements):
            self._calls += await rendered(self._conn, statements)
            return
        self._waiting += statements
        if self._conn.begun and not _returns(self._waiting):
            self._calls += await rendered(self._conn, self._waiting)
            self._waiting = []

    async def commit(self) -> list[tuple[Any, ...]]:
        conn, waiting = self._conn, self._waiting
        if _returns(waiting) and not conn.begun and sql.fits_one_statement(waiting):
            # Rows wanted back and nothing ran yet: one statement, a transaction by itself, in one
            # round trip (its parts do not see each other's writes: UnitOfWork.commit says so).
            conn._check_open()
            conn._finalized = True
            return await _run_alone(conn, sql.together(waiting) if len(waiting) > 1 else waiting[0])
        if _returns(waiting):
            # Rows come back only from statements run one at a time.
            if self._calls:
                await _run_script(conn, self._calls)
            returned = await sql.execute(conn, waiting)
            await conn._finish("COMMIT")
            return returned
        # BEGIN too, if nothing ran yet: the whole transaction in one round trip.
        await commit_rendered(conn, [*self._calls, *await rendered(conn, waiting)])
        return []

    async def rollback(self) -> None:
        if not self._conn._finalized:
            await self._conn.rollback()


def _returns(statements: Sequence[sql.Statement]) -> bool:
    return any(isinstance(s, sql.Returning) for s in statements)


@translate_exceptions
async def _run_script(conn: _HandManagedTransaction, calls: Sequence[str]) -> None:
    conn._check_open()
    await conn._connection.execute("; ".join(calls))


@translate_exceptions
async def _run_alone(conn: _HandManagedTransaction, statement: sql.Statement) -> list[tuple[Any, ...]]:
    rows = await conn._connection.fetch(sql.for_dialect(conn, statement.text), *statement.values)
    return [tuple(row) for row in rows] if isinstance(statement, sql.Returning) else []


class PostgresDatabase:
    def __init__(self, connection_name: str = "default") -> None:
        self.connection_name = connection_name

    @asynccontextmanager
    async def transaction(self, occurred_at: datetime) -> AsyncIterator[PostgresTransaction]:
        """Like Tortoise's pooled transaction context, with BEGIN and COMMIT sent by hand."""
        client = connections.get(self.connection_name)
        if not client._pool:
            async with client._pool_init_lock:
                if not client._pool:
                    await client.create_connection(with_db=True)
        wrapper = _HandManagedTransaction(client)
        wrapper._connection = await client._pool.acquire()
        token = get_connections().set(self.connection_name, wrapper)
        try:
            yield PostgresTransaction(wrapper, occurred_at)
        finally:
            try:
                if not wrapper._finalized:
                    await wrapper.rollback()
            finally:
                await client._pool.release(wrapper._connection)
                get_connections().reset(token)


async def rendered(conn: _HandManagedTransaction, statements: Sequence[tuple[str, list[Any]]]) -> list[str]:
    """The statements as `EXECUTE name(literals)` calls, for `commit_rendered`."""
    return [await _prepared_call(conn, text, values) for text, values in statements]


async def commit_rendered(conn: _HandManagedTransaction, calls: Sequence[str]) -> None:
    """The transaction's last statements (from `rendered`, in order; each sees the writes of
    those before it) and its COMMIT, in one round trip. Nothing runs in `conn` afterwards."""
    if not conn.begun and calls:
        conn.begun = True
        calls = ["BEGIN", *calls]
    await conn._finish("; ".join([*calls, "COMMIT"]))


# Statements kept prepared per connection, as asyncpg keeps its own (the least recently used go).
MAX_PREPARED = 100


async def _prepared_call(conn: _HandManagedTransaction, text: str, values: Sequence[Any]) -> str:
    prepared: OrderedDict[str, None] = conn._connection.prepared_names
    name = _statement_name(text)
    if name in prepared:
        prepared.move_to_end(name)
    else:
        # Round trips of their own, so their outcome is known: in the script, a failure
        # after them would leave unknown whether they happened (neither PREPARE nor
        # DEALLOCATE is undone when the transaction rolls back).
        if len(prepared) >= MAX_PREPARED:
            oldest, _ = prepared.popitem(last=False)
            await conn._connection.execute(f"DEALLOCATE {oldest}")
        await conn._connection.execute(f"PREPARE {name} AS {sql.for_dialect(conn, text)}")
        prepared[name] = None
    return f"EXECUTE {name}({', '.join(map(sql.literal, values))})" if values else f"EXECUTE {name}"


@lru_cache(maxsize=1024)
def _statement_name(text: str) -> str:
    return "ow_" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
