"""The one exception services raise for a rule the request broke."""
from __future__ import annotations

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
