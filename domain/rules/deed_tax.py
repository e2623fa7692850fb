"""契税 (national policy from 2024-12-01, DESIGN §3): the rate and each buyer's tax, free of I/O.

The table is the county policy's (configuration); this module only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.enums import PropertyUsage
from domain.policy import CountyPolicy

CENT = Decimal("0.01")


def rate(policy: CountyPolicy, usage: PropertyUsage, building_area: Decimal, family_homes_before: int) -> Decimal:
    """1% / 1.5% for a first home, 1% / 2% for a second (up to / above 140 m²); else the provincial rate."""
    if usage != PropertyUsage.RESIDENTIAL:
        return policy.deed_tax_general_rate
    for bracket in policy.deed_tax_brackets:
        if bracket.homes_before == family_homes_before:
            if building_area <= policy.deed_tax_area_limit_m2:
                return bracket.rate_up_to_area_limit
            return bracket.rate_above_area_limit
    return policy.deed_tax_general_rate


def shares(count: int, given: list[Decimal | None]) -> list[Decimal]:
    """Each buyer's fraction: as agreed (按份共有), or equal under joint ownership (共同共有)."""
    agreed = [s for s in given if s is not None]
    if len(agreed) == len(given):
        return [Decimal(s) for s in agreed]
    return [Decimal(1) / Decimal(count)] * count


@dataclass(frozen=True)
class DeedTax:
    taxable_amount: Decimal
    rate: Decimal
    amount: Decimal


def deed_tax(price: Decimal, share: Decimal, tax_rate: Decimal) -> DeedTax:
    """Tax on price × share, rounded half-up to the fen once, at the end."""
    exact = price * share
    return DeedTax(
        taxable_amount=exact.quantize(CENT, rounding=ROUND_HALF_UP),
        rate=tax_rate,
        amount=(exact * tax_rate).quantize(CENT, rounding=ROUND_HALF_UP),
    )
