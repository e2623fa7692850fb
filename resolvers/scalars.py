"""The contract's scalars. Decimal accepts strings only: money never passes through a float."""

from __future__ import annotations

import decimal
import re

import strawberry
from graphql import GraphQLError

# Plain ASCII decimal notation: a sign, digits, at most one point with digits after it. No
# exponent ("1e309"), no digit grouping ("1_000"), no fullwidth or other Unicode digits.
PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)
# Longer than any column holds (money has 16 digits): refused before it is parsed.
MAX_DECIMAL_LENGTH = 40


def _parse_decimal(value: object) -> decimal.Decimal:
    if not isinstance(value, str) or len(value) > MAX_DECIMAL_LENGTH or not PLAIN_DECIMAL.fullmatch(value):
        raise GraphQLError(
            (
                "a Decimal is a string of ASCII digits with an optional sign and at most one decimal "
                'point, e.g. "1250000.00"'
            ),
            extensions={"code": "INVALID_INPUT"},
        )
    return decimal.Decimal(value)


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='Exact decimal number serialised as a string, e.g. "1250000.00"; never a float',
    serialize=str,
    parse_value=_parse_decimal,
)

SCALAR_MAP = {decimal.Decimal: DecimalScalar}
