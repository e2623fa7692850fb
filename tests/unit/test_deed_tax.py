"""Every cell of the deed tax table, the 140 m² boundary, and shares (DESIGN §3)."""

from decimal import Decimal

import pytest

from domain.enums import PropertyUsage
from domain.policy import CountyPolicy, DeedTaxBracket
from domain.rules import deed_tax

POLICY = CountyPolicy()
HOME = PropertyUsage.RESIDENTIAL


@pytest.mark.parametrize(
    "homes_before, area, expected",
    [
        (0, "89.50", "0.01"),
        (0, "140.00", "0.01"),
        (0, "140.01", "0.015"),
        (1, "140.00", "0.01"),
        (1, "140.01", "0.02"),
        (2, "90.00", "0.03"),
        (2, "140.01", "0.03"),
        (5, "60.00", "0.03"),
    ],
)
def test_residential_rates_by_family_homes_and_area(homes_before, area, expected):
    assert deed_tax.rate(POLICY, HOME, Decimal(area), homes_before) == Decimal(expected)


@pytest.mark.parametrize(
    "usage", [PropertyUsage.COMMERCIAL, PropertyUsage.OFFICE, PropertyUsage.PARKING, PropertyUsage.OTHER]
)
def test_anything_but_a_home_pays_the_provincial_rate(usage):
    assert deed_tax.rate(POLICY, usage, Decimal("50.00"), 0) == Decimal("0.03")


def test_the_table_is_configuration():
    policy = CountyPolicy(
        deed_tax_brackets=(DeedTaxBracket(0, Decimal("0.008"), Decimal("0.012")),),
        deed_tax_general_rate=Decimal("0.04"),
    )
    assert deed_tax.rate(policy, HOME, Decimal("100"), 0) == Decimal("0.008")
    assert deed_tax.rate(policy, HOME, Decimal("100"), 1) == Decimal("0.04")


def test_joint_ownership_shares_equally():
    assert deed_tax.shares(2, [None, None]) == [Decimal("0.5"), Decimal("0.5")]


def test_explicit_shares_are_kept():
    assert deed_tax.shares(2, [Decimal("0.7"), Decimal("0.3")]) == [Decimal("0.7"), Decimal("0.3")]


def test_tax_is_price_times_share_times_rate_rounded_half_up_once():
    # 1,000,000 / 3 × 1.5% = 5,000.000…: the fen is rounded at the end, not on the way.
    tax = deed_tax.deed_tax(Decimal("1000000.00"), Decimal(1) / Decimal(3), Decimal("0.015"))
    assert tax.taxable_amount == Decimal("333333.33")
    assert tax.amount == Decimal("5000.00")


def test_half_a_fen_rounds_up():
    assert deed_tax.deed_tax(Decimal("100.50"), Decimal(1), Decimal("0.01")).amount == Decimal("1.01")
