"""The contract's scalars. Decimal accepts strings only: money never passes through a float."""
from __future__ import annotations

import decimal

import strawberry
from strawberry.schema.types.base_scalars import wrap_parser


def _parse_decimal(value: str) -> decimal.Decimal:
    number = decimal.Decimal(value.strip())
    if not number.is_finite():
        raise ValueError("a Decimal must be a finite number")
    return number


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='Exact decimal number serialised as a string, e.g. "1250000.00"; never a float',
    serialize=str,
    parse_value=wrap_parser(_parse_decimal, "Decimal", exceptions=(ValueError, decimal.DecimalException)),
)

SCALAR_MAP = {decimal.Decimal: DecimalScalar}
