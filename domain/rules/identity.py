"""ID number rules: resident IDs (GB 11643) and unified social credit codes (GB 32100).

The check digits and birth dates are python-stdnum's; these functions only name the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from domain.errors import DomainError


class InvalidResidentId(DomainError):
    def __init__(self, field: Sequence[str] | None, reason: str) -> None:
        super().__init__("INVALID_INPUT", f"not a valid resident ID number: {reason}", field)


class InvalidCreditCode(DomainError):
    def __init__(self, field: Sequence[str] | None, reason: str) -> None:
        super().__init__("INVALID_INPUT", f"not a valid unified social credit code: {reason}", field)


# stdnum's birth-place lookup is most of the cost of a check (~50 µs) and depends only on
# the region code and the birth year, so its verdict is kept per pair: bulk imports check
# millions of numbers from a few hundred places.
_birth_places: dict[tuple[str, str], ValidationError | None] = {}


def _check_birth_place(number: str) -> None:
    key = (number[:6], number[6:10])
    if key not in _birth_places:
        try:
            ric.get_birth_place(number)
            _birth_places[key] = None
        except ValidationError as exc:
            _birth_places[key] = exc
    failure = _birth_places[key]
    if failure is not None:
        raise failure


def resident_id(value: str, field: Sequence[str] | None = None) -> str:
    """The normalised 18-digit resident ID, or InvalidResidentId naming `field`.

    The same checks as stdnum's `ric.validate` (length, digits, GB 11643 check digit, a real
    birth date, a region code in use in the birth year), with the place lookup cached.
    """
    number = ric.compact(value)
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not number[:-1].isdigit():
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        ric.get_birth_date(number)
        _check_birth_place(number)
    except ValidationError as exc:
        raise InvalidResidentId(field, exc.message) from exc  # type: ignore[attr-defined]  # stdnum sets it on every subclass
    return number


def credit_code(value: str, field: Sequence[str] | None = None) -> str:
    """The normalised 18-character unified social credit code, or InvalidCreditCode."""
    try:
        return uscc.validate(value)
    except ValidationError as exc:
        raise InvalidCreditCode(field, exc.message) from exc  # type: ignore[attr-defined]  # stdnum sets it on every subclass


def birth_date(resident_id_number: str) -> date:
    return ric.get_birth_date(resident_id_number)


def age_on(resident_id_number: str, day: date) -> int:
    born = birth_date(resident_id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_resident_id(value: str) -> bool:
    try:
        resident_id(value)
    except InvalidResidentId:
        return False
    return True
