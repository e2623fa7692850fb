"""Hand-written SQL for the hot paths, one text for PostgreSQL and SQLite.

Statements are written with `?` placeholders; `for_dialect` numbers them (`$1`, `$2`, …)
for asyncpg. Values go through the model fields' own `to_db_value`, so a row written here
reads back through Tortoise exactly like one the ORM wrote.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

MODEL = TypeVar("MODEL", bound=Model)

# Both engines take 32,766 values in a statement; stay well under.
MAX_VALUES = 10_000


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def for_dialect(conn: BaseDBAsyncClient, sql: str) -> str:
    return _numbered(sql) if is_postgres(conn) else sql


@lru_cache(maxsize=4096)
def _numbered(sql: str) -> str:
    pieces = sql.split("?")
    return pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))


def for_update(conn: BaseDBAsyncClient, of: str = "") -> str:
    """The row-locking clause on PostgreSQL; SQLite has one writer at a time and no such clause."""
    return f" FOR UPDATE {of}".rstrip() if is_postgres(conn) else ""


def marks(count: int) -> str:
    return ", ".join("?" * count)


def db_row(model: type[Model], values: dict[str, Any]) -> list[Any]:
    fields = model._meta.fields_map
    return [fields[name].to_db_value(value, None) for name, value in values.items()]


def read(model: type[MODEL], columns: Sequence[str], values: Sequence[Any]) -> MODEL:
    """A (partial) model instance from the columns of a hand-written SELECT, converted as Tortoise does."""
    return model._init_from_db(**dict(zip(columns, values)))


def columns_of(model: type[Model]) -> list[str]:
    """Every column of the model's table, for a SELECT whose rows `read` turns back into models."""
    return list(model._meta.fields_db_projection.values())


async def lock(conn: BaseDBAsyncClient, model: type[MODEL], pk: int) -> MODEL | None:
    """The row, locked until the transaction ends (on PostgreSQL); None if there is none."""
    columns = columns_of(model)
    rows = await fetch(conn, f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE id = ?{for_update(conn)}", [pk])
    return read(model, columns, rows[0]) if rows else None


def insert(model: type[Model], values: dict[str, Any], returning: str | None = None) -> tuple[str, list[Any]]:
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(values)}) VALUES ({marks(len(values))})"
    return sql + (f" RETURNING {returning}" if returning else ""), db_row(model, values)


def insert_many(model: type[Model], rows: Sequence[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    if not rows:
        return []
    return insert_rows(model._meta.db_table, list(rows[0]), [db_row(model, row) for row in rows])


def update(model: type[Model], pk: int, values: dict[str, Any]) -> tuple[str, list[Any]]:
    assignments = ", ".join(f"{name} = ?" for name in values)
    return f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = ?", [*db_row(model, values), pk]


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[tuple[str, list[Any]]]:
    """Multi-row INSERTs for `rows`, as few as the value limit allows."""
    per_statement = max(1, MAX_VALUES // len(columns))
    row_marks = f"({marks(len(columns))})"
    statements = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_marks] * len(chunk))}"
        statements.append((sql, [value for row in chunk for value in row]))
    return statements


async def fetch(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any] = ()) -> list:
    """The rows of a SELECT (Tortoise would drop those of an UPDATE … RETURNING: use `execute`)."""
    _, rows = await conn.execute_query(for_dialect(conn, sql), list(values))
    return rows


async def execute(conn: BaseDBAsyncClient, statements: Sequence[tuple[str, list[Any]]]) -> list:
    """Run the statements in order; the rows of the last one with a RETURNING clause."""
    returned: list[dict] = []
    for sql, values in statements:
        # Tortoise's execute_query drops what an INSERT … RETURNING returns on asyncpg.
        rows = await conn.execute_query_dict(for_dialect(conn, sql), values)
        if " RETURNING " in sql:
            returned = rows
    return [tuple(row.values()) for row in returned]


def fits_one_statement(statements: Sequence[tuple[str, list[Any]]]) -> bool:
    """Whether `execute_together` can send these as one statement (on PostgreSQL)."""
    return sum(len(values) for _, values in statements) <= MAX_VALUES * 3


async def execute_together(conn: BaseDBAsyncClient, statements: Sequence[tuple[str, list[Any]]]) -> list:
    """Run writes that do not read each other's effects; on PostgreSQL as one statement of
    data-modifying WITH clauses, so one round trip. Returns the rows of the last statement
    with a RETURNING clause."""
    if not is_postgres(conn) or len(statements) < 2 or not fits_one_statement(statements):
        return await execute(conn, statements)
    returning = [n for n, (text, _) in enumerate(statements) if " RETURNING " in text]
    values = [v for _, statement_values in statements for v in statement_values]
    if not returning:
        *first, (last_sql, _) = statements
        clauses = ", ".join(f"w{n} AS ({text})" for n, (text, _) in enumerate(first))
        return await execute(conn, [(f"WITH {clauses} {last_sql}", values)])
    clauses = ", ".join(f"w{n} AS ({text})" for n, (text, _) in enumerate(statements))
    _, rows = await conn.execute_query(for_dialect(conn, f"WITH {clauses} SELECT * FROM w{returning[-1]}"), values)
    return [tuple(row) for row in rows]


def literal(value: Any) -> str:
    """A PostgreSQL literal for a value as `db_row` converts it, for the simple-query protocol
    (the only one that lets a statement and a COMMIT share a round trip). Strings are escape strings
    (E'…', backslash and quote doubled), so they mean the same whatever
    standard_conforming_strings says; a type not listed here is refused, never guessed."""
    render = _LITERALS.get(type(value))
    if render is None:
        raise TypeError(f"no PostgreSQL literal for {type(value).__name__}")
    return render(value)


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a NUL character in a text value")
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return f"'{value}'"


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("a timestamp without a time zone")
    return f"'{value.isoformat()}'"


def _int_array(values: list | tuple) -> str:
    if not all(type(v) is int for v in values):
        raise TypeError("only arrays of integers have a literal here")
    return "'{" + ",".join(map(str, values)) + "}'"


# Exact types: a subclass (an IntEnum, a str Enum) would need a decision of its own.
_LITERALS = {
    type(None): lambda _: "NULL",
    bool: lambda value: "TRUE" if value else "FALSE",
    int: lambda value: str(value) if value >= 0 else f"({value})",  # never "--", which starts a comment
    Decimal: _number,
    str: _text,
    datetime: _timestamp,
    date: lambda value: f"'{value.isoformat()}'",
    UUID: lambda value: f"'{value}'",
    list: _int_array,
    tuple: _int_array,
}
