"""Field shapes used across models, so money and area are declared once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise import fields


def money(**kwargs: Any) -> fields.DecimalField[Decimal]:
    """CNY with two decimals; Decimal end to end, never float."""
    return fields.DecimalField(max_digits=16, decimal_places=2, **kwargs)


def area(**kwargs: Any) -> fields.DecimalField[Decimal]:
    """Square metres with two decimals."""
    return fields.DecimalField(max_digits=10, decimal_places=2, **kwargs)
