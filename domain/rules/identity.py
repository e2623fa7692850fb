"""ID number rules: resident IDs (GB 11643) and unified social credit codes (GB 32100).

The check digits and birth dates are python-stdnum's; these functions only name the field.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from domain.errors import DomainError


class InvalidResidentId(DomainError):
    def __init__(self, field: Sequence[str] | None, reason: str) -> None:
        super().__init__("INVALID_INPUT", f"not a valid resident ID number: {reason}", field)


class InvalidCreditCode(DomainError):
    def __init__(self, field: Sequence[str] | None, reason: str) -> None:
        super().__init__("INVALID_INPUT", f"not a valid unified social credit code: {reason}", field)


def resident_id(value: str, field: Sequence[str] | None = None) -> str:
    """The normalised 18-digit resident ID, or InvalidResidentId naming `field`."""
    try:
        number = ric.validate(value)
    except ValidationError as exc:
        raise InvalidResidentId(field, exc.message) from exc
    if len(number) != 18:
        raise InvalidResidentId(field, "must have 18 characters")
    return number


def credit_code(value: str, field: Sequence[str] | None = None) -> str:
    """The normalised 18-character unified social credit code, or InvalidCreditCode."""
    try:
        return uscc.validate(value)
    except ValidationError as exc:
        raise InvalidCreditCode(field, exc.message) from exc


def birth_date(resident_id_number: str) -> date:
    return ric.get_birth_date(resident_id_number)


def age_on(resident_id_number: str, day: date) -> int:
    born = birth_date(resident_id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_resident_id(value: str) -> bool:
    return ric.is_valid(value) and len(value) == 18
