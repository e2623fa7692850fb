"""A resale seller's taxes (DESIGN §7), free of I/O: VAT and individual income tax per seller.

Each seller is taxed on price × share. VAT (增值税) is exempt once the seller has held the home
for `vat_exempt_after_years` (from the ownership registration), else it is the rate on the
price without VAT (price ÷ 1.05 × 5 %). Individual income tax (个人所得税) is exempt for the
family's only home held `income_tax_exempt_after_years` (满五唯一), else 1 % of the price.
Amounts are rounded half-up to the fen once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.enums import TaxKind
from domain.policy import SellerTaxPolicy

CENT = Decimal("0.01")


def full_years(since: date, on: date) -> int:
    """Whole years from `since` to `on` (an anniversary on 29 February falls on 28 February)."""
    years = on.year - since.year
    try:
        anniversary = since.replace(year=on.year)
    except ValueError:  # 29 February in a common year
        anniversary = date(on.year, 2, 28)
    return years - 1 if on < anniversary else years


@dataclass(frozen=True)
class SellerTax:
    kind: TaxKind
    taxable_amount: Decimal
    rate: Decimal
    amount: Decimal
    # Why nothing is due, when nothing is.
    exemption: str | None


def vat(policy: SellerTaxPolicy, price: Decimal, share: Decimal, years_held: int) -> SellerTax:
    exact = price * share
    taxable = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    if years_held >= policy.vat_exempt_after_years:
        return SellerTax(
            TaxKind.VAT, taxable, Decimal(0), Decimal("0.00"), f"held {policy.vat_exempt_after_years} years or more"
        )
    amount = (exact / (1 + policy.vat_rate) * policy.vat_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return SellerTax(TaxKind.VAT, taxable, policy.vat_rate, amount, None)


def income_tax(
    policy: SellerTaxPolicy, price: Decimal, share: Decimal, years_held: int, family_homes: int
) -> SellerTax:
    """`family_homes`: the homes the seller's family owns, this one included (DESIGN §3's count)."""
    exact = price * share
    taxable = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    if years_held >= policy.income_tax_exempt_after_years and family_homes <= 1:
        return SellerTax(
            TaxKind.INDIVIDUAL_INCOME_TAX,
            taxable,
            Decimal(0),
            Decimal("0.00"),
            f"the family's only home, held {policy.income_tax_exempt_after_years} years or more",
        )
    amount = (exact * policy.income_tax_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return SellerTax(TaxKind.INDIVIDUAL_INCOME_TAX, taxable, policy.income_tax_rate, amount, None)


def seller_taxes(
    policy: SellerTaxPolicy, price: Decimal, share: Decimal, held_since: date, on: date, family_homes: int
) -> list[SellerTax]:
    """One seller's VAT and income tax on a resale assessed `on`, of a home held since `held_since`."""
    years = full_years(held_since, on)
    return [vat(policy, price, share, years), income_tax(policy, price, share, years, family_homes)]
