"""Input rules, one small function each; every failure names the input field it is about."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from domain.errors import DomainError

Field = Sequence[str]
UNIT_CODE_PATTERN = re.compile(r"^(\d{6})(\d{6})([GJZ][A-Z])(\d{5})([FLQW])(\d{8})$")


class InvalidInput(DomainError):
    def __init__(self, message: str, field: Field | None) -> None:
        super().__init__("INVALID_INPUT", message, field)


def required_text(value: str, field: Field, max_length: int = 200) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput("must not be empty", field)
    if len(text) > max_length:
        raise InvalidInput(f"must be at most {max_length} characters", field)
    return text


def _positive_hundredths(value: Decimal, field: Field, what: str) -> Decimal:
    if value <= 0:
        raise InvalidInput(f"{what} must be positive", field)
    if _decimals_beyond(value, 2):
        raise InvalidInput(f"{what} must have at most 2 decimals", field)
    return value.quantize(Decimal("0.01"))


def money(value: Decimal, field: Field) -> Decimal:
    """A positive amount of CNY with at most two decimals (分)."""
    return _positive_hundredths(value, field, "the amount")


def area(value: Decimal, field: Field) -> Decimal:
    """A positive area in m² with at most two decimals."""
    return _positive_hundredths(value, field, "the area")


def not_more_than(value: Decimal, limit: Decimal, field: Field, what: str) -> None:
    if value > limit:
        raise InvalidInput(f"must not exceed {what} ({limit})", field)


def unit_code(value: str, county_code: str, field: Field) -> str:
    """不动产单元代码 per GB/T 37346: county (6) zone (6) parcel feature (2 letters)
    parcel number (5) fixture F/L/Q/W (1) unit number (8)."""
    code = value.strip().upper()
    if len(code) != 28:
        raise InvalidInput(f"a unit code has 28 characters, not {len(code)}", field)
    match = UNIT_CODE_PATTERN.match(code)
    if match is None:
        raise InvalidInput(
            "not a GB/T 37346 unit code: 6-digit county, 6-digit zone, parcel feature code (G/J/Z + letter), "
            "5-digit parcel, fixture code F/L/Q/W, 8-digit unit number",
            field,
        )
    if match.group(1) != county_code:
        raise InvalidInput(f"the unit lies in county {match.group(1)}, not in this county ({county_code})", field)
    return code


def _decimals_beyond(value: Decimal, places: int) -> bool:
    exponent = value.as_tuple().exponent
    return not isinstance(exponent, int) or exponent < -places  # 'n', 'N', 'F': not a finite number


def shares(values: Sequence[Decimal | None], field_of: Callable[[int], Field]) -> list[Decimal | None]:
    """All shares null (joint ownership) or all positive and summing to exactly 1."""
    given = [v for v in values if v is not None]
    if not given:
        return list(values)
    for index, value in enumerate(values):
        if value is None:
            raise InvalidInput("give a share for every buyer, or for none (joint ownership)", field_of(index))
        if value <= 0:
            raise InvalidInput("a share must be positive", field_of(index))
        if _decimals_beyond(value, 6):
            raise InvalidInput("a share has at most 6 decimals", field_of(index))
    if sum(given) != Decimal(1):
        raise InvalidInput(f"the shares add up to {sum(given)}, not 1", ["input", "buyers"])
    return list(values)


def at_least_one(items: Sequence[object], field: Field, what: str) -> None:
    if not items:
        raise InvalidInput(f"at least one {what} is required", field)


def first_repeat(keys: Sequence[str]) -> int | None:
    """Index of the first key that already appeared earlier, or None."""
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            return index
        seen.add(key)
    return None
