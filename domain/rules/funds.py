"""Money that must be in place before a contract is filed (DESIGN §2 step 4)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.enums import PropertyUsage, SaleType

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def required_supervised_amount(sale_type: SaleType | None, down_payment: Decimal) -> Decimal:
    """The down payment must sit in the supervised account; a current sale (现售) has none."""
    return ZERO if sale_type == SaleType.CURRENT_SALE else down_payment


def required_maintenance_fund(usage: PropertyUsage, building_area: Decimal, rate_per_m2: Decimal) -> Decimal:
    """住宅专项维修资金: area × rate for homes, nothing for other uses."""
    if usage != PropertyUsage.RESIDENTIAL:
        return ZERO
    return (building_area * rate_per_m2).quantize(CENT, rounding=ROUND_HALF_UP)
