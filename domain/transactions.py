"""Transactions whose last statement carries the COMMIT (PostgreSQL).

A use case on the sale path ends with one statement holding everything it writes and its
events. With Tortoise's `in_transaction` the COMMIT follows in a round trip of its own, and a
transaction holding a hot row (a gapless counter, DESIGN §3) holds it across one more turn
of the event loop, which every other request for that row waits out. Here BEGIN and COMMIT
are sent by hand, so `commit_rendered` can send the last statements and the COMMIT as one
simple-query message, the only protocol message that takes several statements. That
protocol has no parameters: each statement is prepared once per connection with SQL
`PREPARE` and called as `EXECUTE name(literals)` (`sql.literal`), so PostgreSQL parses and
plans it no more often than asyncpg's own prepared statements.

SQLite has one writer at a time and nothing to gain: there `transaction()` is Tortoise's own
(`eventlog.Outbox` runs the statements and leaves the COMMIT to the context).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import suppress
from functools import lru_cache
from typing import Any

import asyncpg
from tortoise import connections
from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext, TransactionContextPooled
from tortoise.backends.base_postgres.client import translate_exceptions
from tortoise.exceptions import TransactionManagementError
from tortoise.transactions import in_transaction

from domain import sql


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

    @translate_exceptions
    async def begin(self) -> None:
        await self._connection.execute("BEGIN")

    async def commit(self) -> None:
        await self._finish("COMMIT")

    async def rollback(self) -> None:
        await self._finish("ROLLBACK")

    @translate_exceptions
    async def _finish(self, script: str) -> None:
        self._check_open()
        self._finalized = True
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

    def acquire_connection(self):
        # A statement after the COMMIT would run on its own, outside any transaction.
        self._check_open()
        return super().acquire_connection()

    def _in_transaction(self) -> TransactionContext:
        raise TransactionManagementError("a hand-managed transaction has no savepoints")


def transaction() -> TransactionContext:
    """`in_transaction()` on the default connection; on PostgreSQL with BEGIN and COMMIT sent by hand."""
    client = connections.get("default")
    if not sql.is_postgres(client):
        return in_transaction()
    return TransactionContextPooled(_HandManagedTransaction(client), client._pool_init_lock)


def renders_ahead(conn: BaseDBAsyncClient) -> bool:
    """Whether `conn`'s last statements are made ready as they come (`rendered`) and sent with
    the COMMIT (`commit_rendered`)."""
    return isinstance(conn, _HandManagedTransaction)


async def rendered(conn: _HandManagedTransaction, statements: Sequence[tuple[str, list[Any]]]) -> list[str]:
    """The statements as `EXECUTE name(literals)` calls, for `commit_rendered`."""
    return [await _prepared_call(conn, text, values) for text, values in statements]


async def commit_rendered(conn: _HandManagedTransaction, calls: Sequence[str]) -> None:
    """The transaction's last statements (from `rendered`, in order; each sees the writes of
    those before it) and its COMMIT, in one round trip. Nothing runs in `conn` afterwards."""
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
