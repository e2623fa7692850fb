from decimal import Decimal

import pytest

from domain.enums import PropertyUsage, SaleType
from domain.rules.funds import required_maintenance_fund, required_supervised_amount


def test_presale_requires_the_down_payment_in_the_supervised_account():
    assert required_supervised_amount(SaleType.PRESALE, Decimal("300000.00")) == Decimal("300000.00")


def test_current_sale_requires_no_supervised_money():
    assert required_supervised_amount(SaleType.CURRENT_SALE, Decimal("300000.00")) == Decimal("0.00")


@pytest.mark.parametrize(
    "usage, area, expected",
    [
        (PropertyUsage.RESIDENTIAL, Decimal("89.50"), Decimal("7160.00")),
        (PropertyUsage.RESIDENTIAL, Decimal("100.01"), Decimal("8000.80")),
        (PropertyUsage.COMMERCIAL, Decimal("89.50"), Decimal("0.00")),
    ],
)
def test_maintenance_fund_is_area_times_rate_for_homes(usage, area, expected):
    assert required_maintenance_fund(usage, area, Decimal("80.00")) == expected
