"""Hand-written SQL for the hot paths, one text for PostgreSQL and SQLite.

Statements are written with `?` placeholders; `for_dialect` numbers them (`$1`, `$2`, …)
for asyncpg. Values go through the model fields' own `to_db_value`, so a row written here
reads back through Tortoise exactly like one the ORM wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

MODEL = TypeVar("MODEL", bound=Model)
JOINED = TypeVar("JOINED", bound=Model)
ROW = TypeVar("ROW", bound=tuple[Any, ...])


class Statement(NamedTuple):
    """A statement and its values (converted as `db_row` converts them)."""

    text: str
    values: list[Any]


class Returning(Statement):
    """A statement whose rows the caller wants back (`execute`); only the `returning=`
    argument of `insert` (or a caller saying so) makes one: the text is never inspected."""


# Both engines take 32,766 values in a statement; stay well under.
MAX_VALUES = 10_000


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def for_dialect(conn: BaseDBAsyncClient, sql: str) -> str:
    return _numbered(sql) if is_postgres(conn) else sql


@lru_cache(maxsize=4096)
def _numbered(sql: str) -> str:
    """`?` → `$1`, `$2`, … outside quoted text ('…' and "…"); a `?` inside quotes stays text."""
    if "\\'" in sql:
        # A backslash-escaped quote (E'…') would shift which text is quoted: refused, never guessed.
        raise ValueError("a backslash before a quote in a statement's text: pass the value as a parameter")
    out: list[str] = []
    quote: str | None = None
    n = 0
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(char)
    if quote is not None:
        raise ValueError("an unterminated quote in a statement's text")
    return "".join(out)


def for_update(conn: BaseDBAsyncClient, of: str = "") -> str:
    """The row-locking clause on PostgreSQL; SQLite has one writer at a time and no such clause."""
    return f" FOR UPDATE {of}".rstrip() if is_postgres(conn) else ""


def marks(count: int) -> str:
    return ", ".join("?" * count)


def db_row(model: type[Model], values: dict[str, Any]) -> list[Any]:
    fields = model._meta.fields_map
    return [fields[name].to_db_value(value, model) for name, value in values.items()]


def read(model: type[MODEL], columns: Sequence[str], values: Sequence[Any]) -> MODEL:
    """A (partial) model instance from the columns of a hand-written SELECT, converted as Tortoise does."""
    return model._init_from_db(**dict(zip(columns, values, strict=True)))


def ints(values: Iterable[Any]) -> list[int]:
    """The ids an ORM `values_list(..., flat=True)` returned (Tortoise types them as tuples)."""
    return [int(v) for v in values]


def model_from(model: type[MODEL], **columns: Any) -> MODEL:
    """A (partial) model instance from named columns of a hand-written SELECT, converted as Tortoise does."""
    return model._init_from_db(**columns)


def columns_of(model: type[Model]) -> list[str]:
    """Every column of the model's table, for a SELECT whose rows `read` turns back into models."""
    return list(model._meta.fields_db_projection.values())


async def lock_where(conn: BaseDBAsyncClient, model: type[MODEL], where: str, values: Sequence[Any]) -> list[MODEL]:
    """The rows `where` selects, in id order, locked until the transaction ends (on PostgreSQL)."""
    return await rows_where(conn, model, where, values, lock=True)


async def rows_where(
    conn: BaseDBAsyncClient, model: type[MODEL], where: str, values: Sequence[Any], lock: bool = False
) -> list[MODEL]:
    """The rows `where` selects as models, in id order; with `lock`, locked until the transaction ends."""
    columns = columns_of(model)
    text = f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE {where} ORDER BY id"
    if lock:
        text += for_update(conn)
    _, rows = await conn.execute_query(for_dialect(conn, text), list(values))
    return [read(model, columns, tuple(row.values()) if isinstance(row, dict) else tuple(row)) for row in rows]


async def lock_joined(
    conn: BaseDBAsyncClient, model: type[MODEL], joined: type[JOINED], on: str, where: str, values: Sequence[Any]
) -> list[tuple[MODEL, JOINED | None]]:
    """`lock_where` for `model` (alias m), each row with the row of `joined` (alias j, read, not
    locked) that `on` names, or None: one round trip for a row and the row it refers to."""
    own, other = columns_of(model), columns_of(joined)
    # Aliased: drivers that return rows as dicts would merge the columns both tables name alike.
    selected = ", ".join([*(f"m.{c}" for c in own), *(f"j.{c} AS j_{c}" for c in other)])
    text = (
        f"SELECT {selected} FROM {model._meta.db_table} m LEFT JOIN {joined._meta.db_table} j ON {on}"
        f" WHERE {where} ORDER BY m.id{for_update(conn, 'OF m')}"
    )
    _, rows = await conn.execute_query(for_dialect(conn, text), list(values))
    found = [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]
    width, key = len(own), other.index("id")
    return [
        (read(model, own, r[:width]), None if r[width + key] is None else read(joined, other, r[width:])) for r in found
    ]


def insert(model: type[Model], values: dict[str, Any], returning: str | None = None) -> Statement:
    text = f"INSERT INTO {model._meta.db_table} ({', '.join(values)}) VALUES ({marks(len(values))})"
    if returning:
        return Returning(f"{text} RETURNING {returning}", db_row(model, values))
    return Statement(text, db_row(model, values))


def insert_many(model: type[Model], rows: Sequence[dict[str, Any]]) -> list[Statement]:
    if not rows:
        return []
    return insert_rows(model._meta.db_table, list(rows[0]), [db_row(model, row) for row in rows])


def update(model: type[Model], pk: int, values: dict[str, Any]) -> Statement:
    assignments = ", ".join(f"{name} = ?" for name in values)
    return Statement(f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = ?", [*db_row(model, values), pk])


def update_where(model: type[Model], ids: Sequence[int], values: dict[str, Any]) -> list[Statement]:
    """The same change to several rows; none when `ids` is empty."""
    if not ids:
        return []
    assignments = ", ".join(f"{name} = ?" for name in values)
    return [
        Statement(
            f"UPDATE {model._meta.db_table} SET {assignments} WHERE id IN ({marks(len(ids))})",
            [*db_row(model, values), *ids],
        )
    ]


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Statement]:
    """Multi-row INSERTs for `rows`, as few as the value limit allows."""
    per_statement = max(1, MAX_VALUES // len(columns))
    row_marks = f"({marks(len(columns))})"
    statements = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_marks] * len(chunk))}"
        statements.append(Statement(sql, [value for row in chunk for value in row]))
    return statements


def named(row: type[ROW]) -> Callable[[Sequence[Any]], ROW]:
    """How a raw row becomes `row` (a NamedTuple): by position, here and nowhere else."""
    return row._make  # type: ignore[attr-defined,no-any-return]


async def fetch(
    conn: BaseDBAsyncClient, sql: str, values: Sequence[Any], row: type[ROW], of: type[Model] | None = None
) -> list[ROW]:
    """The rows of a SELECT, each as `row` (a NamedTuple whose fields are the selected columns, in order).
    With `of`, the columns are that model's, each value converted by its field as Tortoise reads it."""
    _, rows = await conn.execute_query(for_dialect(conn, sql), list(values))
    make = named(row) if of is None else _converted(of, row)
    return [make(tuple(r.values()) if isinstance(r, dict) else tuple(r)) for r in rows]


@lru_cache(maxsize=256)
def _converted(model: type[Model], row: type[ROW]) -> Callable[[Sequence[Any]], ROW]:
    """`named(row)`, each value first through its field's `to_python_value` (Decimal places,
    enums, time zones): the row reads as the model instance would, without building one."""
    fields = model._meta.fields_map
    converters = [fields[name].to_python_value for name in row._fields]  # type: ignore[attr-defined]
    make = named(row)
    return lambda values: make([convert(value) for convert, value in zip(converters, values, strict=True)])


async def fetch_with_model(
    conn: BaseDBAsyncClient, model: type[MODEL], columns: Sequence[str], sql: str, values: Sequence[Any], row: type[ROW]
) -> list[tuple[MODEL, ROW]]:
    """Rows whose first columns are `columns` of `model` and the rest `row`'s fields, in order."""
    _, rows = await conn.execute_query(for_dialect(conn, sql), list(values))
    width, make = len(columns), named(row)
    found = [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]
    return [(read(model, columns, r[:width]), make(r[width:])) for r in found]


async def execute(conn: BaseDBAsyncClient, statements: Sequence[tuple[str, list[Any]]]) -> list[tuple[Any, ...]]:
    """Run the statements in order; the rows of the last one that is `Returning`."""
    returned: list[dict[str, Any]] = []
    for statement in statements:
        # Tortoise's execute_query drops what an INSERT … RETURNING returns on asyncpg.
        rows = await conn.execute_query_dict(for_dialect(conn, statement[0]), statement[1])
        if isinstance(statement, Returning):
            returned = rows
    return [tuple(row.values()) for row in returned]


def fits_one_statement(statements: Sequence[tuple[str, list[Any]]]) -> bool:
    """Whether `together` can make these one statement."""
    return sum(len(values) for _, values in statements) <= MAX_VALUES * 3


def together(statements: Sequence[tuple[str, list[Any]]]) -> Statement:
    """Writes that do not read each other's effects as one PostgreSQL statement of
    data-modifying WITH clauses (one round trip); it returns what the last `Returning` one returns."""
    values = [v for _, statement_values in statements for v in statement_values]
    returning = [n for n, statement in enumerate(statements) if isinstance(statement, Returning)]
    if not returning:
        *first, (last_sql, _) = statements
        clauses = ", ".join(f"w{n} AS ({text})" for n, (text, _) in enumerate(first))
        return Statement(f"WITH {clauses} {last_sql}", values)
    clauses = ", ".join(f"w{n} AS ({text})" for n, (text, _) in enumerate(statements))
    return Returning(f"WITH {clauses} SELECT * FROM w{returning[-1]}", values)


async def execute_together(
    conn: BaseDBAsyncClient, statements: Sequence[tuple[str, list[Any]]]
) -> list[tuple[Any, ...]]:
    """`execute`, on PostgreSQL as one statement (`together`) when there are several and they fit."""
    if not is_postgres(conn) or len(statements) < 2 or not fits_one_statement(statements):
        return await execute(conn, statements)
    return await execute(conn, [together(statements)])


def literal(value: Any) -> str:
    """A PostgreSQL literal for a value as `db_row` converts it, for the simple-query protocol
    (the only one that lets a statement and a COMMIT share a round trip). Strings are escape strings
    (E'…', backslash and quote doubled), so they mean the same whatever
    standard_conforming_strings says; a type not listed here is refused, never guessed."""
    render: Callable[[Any], str] | None = _LITERALS.get(type(value))
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


def _int_array(values: list[Any] | tuple[Any, ...]) -> str:
    if not all(type(v) is int for v in values):
        raise TypeError("only arrays of integers have a literal here")
    return "'{" + ",".join(map(str, values)) + "}'"


# Exact types: a subclass (an IntEnum, a str Enum) would need a decision of its own.
_LITERALS: dict[type, Callable[[Any], str]] = {
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
