"""The one exception services raise for a rule the request broke."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from enum import Enum


class ErrorCode(str, Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_STATE = "INVALID_STATE"
    DUPLICATE = "DUPLICATE"
    PERMIT_INVALID = "PERMIT_INVALID"
    FUNDS_NOT_DEPOSITED = "FUNDS_NOT_DEPOSITED"
    MAINTENANCE_FUND_UNPAID = "MAINTENANCE_FUND_UNPAID"
    SIGNATURES_MISSING = "SIGNATURES_MISSING"
    IDENTITY_UNVERIFIED = "IDENTITY_UNVERIFIED"
    ALREADY_SOLD = "ALREADY_SOLD"
    ENCUMBERED = "ENCUMBERED"
    NOT_COMPLETED = "NOT_COMPLETED"
    TAX_UNPAID = "TAX_UNPAID"


class DomainError(Exception):
    """A user error: `code` is an ErrorCode name, `field` the input path it is about."""

    def __init__(self, code: str | ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.field = list(field) if field is not None else None

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.message!r}, field={self.field!r})"


def violates_unique(exc: BaseException, table: str, *columns: str) -> bool:
    """Whether an IntegrityError is the unique constraint on `table`'s `columns`, and no other.

    PostgreSQL reports the constraint's name: for `unique=True` PostgreSQL's own
    `<table>_<column>_key`, for a `unique_together` the name Tortoise's migrations give it
    (`uid_<table[:11]>_<first column[:7]>_<hash>`). SQLite reports the columns
    ("UNIQUE constraint failed: table.a, table.b")."""
    cause = exc.__cause__ or (exc.args[0] if exc.args else None)
    name = getattr(cause, "constraint_name", None)
    if name is not None:
        return bool(name == _postgres_name(table, columns))
    match = _SQLITE_UNIQUE.search(str(exc))
    return match is not None and match.group(1).split(", ") == [f"{table}.{c}" for c in columns]


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")


def _postgres_name(table: str, columns: Sequence[str]) -> str:
    if len(columns) == 1:
        return f"{table}_{columns[0]}_key"
    digest = hashlib.sha256(";".join([table, *columns]).encode("utf-8")).hexdigest()[:6]
    return f"uid_{table[:11]}_{columns[0][:7]}_{digest}"
