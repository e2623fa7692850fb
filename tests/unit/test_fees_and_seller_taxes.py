"""Registration fees and a resale seller's taxes (DESIGN §7), worked by hand, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.enums import PropertyUsage, RegistrationKind, TaxKind
from domain.policy import CountyPolicy, FeeSchedule
from domain.rules.fees import fee_outstanding, registration_fee
from domain.rules.seller_taxes import full_years, income_tax, seller_taxes, vat

SCHEDULE = CountyPolicy().fees
TAXES = CountyPolicy().seller_taxes
HOME, SHOP, OFFICE = PropertyUsage.RESIDENTIAL, PropertyUsage.COMMERCIAL, PropertyUsage.OFFICE
K = RegistrationKind


@pytest.mark.parametrize(
    ("kind", "usage", "certificates", "fee"),
    [
        (K.TRANSFER, HOME, 1, "80.00"),  # 住宅类每件 80 元
        (K.TRANSFER, HOME, 3, "100.00"),  # + 2 × 10 元 证书工本费 for the second and third co-owner
        (K.TRANSFER, SHOP, 1, "550.00"),  # 非住宅类每件 550 元
        (K.TRANSFER, OFFICE, 2, "560.00"),
        (K.FIRST_OWNERSHIP, HOME, 1, "80.00"),
        (K.FIRST_OWNERSHIP, SHOP, 1, "550.00"),
        (K.MORTGAGE, HOME, 1, "80.00"),
        (K.MORTGAGE, HOME, 2, "80.00"),  # a registration proof (证明) carries no 工本费
        (K.MORTGAGE, SHOP, 1, "550.00"),
        (K.ADVANCE_NOTICE, HOME, 1, "0.00"),
        (K.ADVANCE_MORTGAGE, HOME, 1, "0.00"),
        (K.CANCELLATION, HOME, 1, "0.00"),
        (K.MORTGAGE_DISCHARGE, SHOP, 1, "0.00"),
        (K.SEIZURE, HOME, 1, "0.00"),
        (K.SEIZURE_RELEASE, HOME, 1, "0.00"),
        (K.OBJECTION, SHOP, 1, "0.00"),
        (K.CORRECTION, HOME, 2, "0.00"),
    ],
)
def test_the_fee_of_each_kind_of_registration(kind, usage, certificates, fee):
    assert registration_fee(SCHEDULE, kind, usage, certificates) == Decimal(fee)


def test_the_schedule_is_configuration():
    county = FeeSchedule(residential=Decimal("40.00"), non_residential=Decimal("275.00"), extra_certificate=Decimal(5))
    assert registration_fee(county, K.TRANSFER, HOME, 2) == Decimal("45.00")
    assert registration_fee(county, K.MORTGAGE, SHOP) == Decimal("275.00")


def test_a_registration_issues_at_least_one_certificate():
    with pytest.raises(ValueError):
        registration_fee(SCHEDULE, K.TRANSFER, HOME, 0)


@pytest.mark.parametrize(
    ("fee", "paid", "outstanding"),
    [
        ("80.00", [], "80.00"),
        ("80.00", ["50.00"], "30.00"),
        ("80.00", ["50.00", "30.00"], "0.00"),
        ("0.00", [], "0.00"),
    ],
)
def test_what_is_still_to_pay(fee, paid, outstanding):
    assert fee_outstanding(Decimal(fee), [Decimal(p) for p in paid]) == Decimal(outstanding)


@pytest.mark.parametrize(
    ("since", "on", "years"),
    [
        (date(2025, 3, 1), date(2026, 2, 28), 0),
        (date(2025, 3, 1), date(2026, 3, 1), 1),
        (date(2024, 3, 1), date(2026, 2, 28), 1),
        (date(2024, 3, 1), date(2026, 3, 1), 2),
        (date(2024, 2, 29), date(2026, 2, 27), 1),
        (date(2024, 2, 29), date(2026, 2, 28), 2),  # a 29 February anniversary falls on the 28th
        (date(2020, 6, 15), date(2026, 6, 14), 5),
        (date(2020, 6, 15), date(2026, 6, 15), 6),
    ],
)
def test_whole_years_held(since, on, years):
    assert full_years(since, on) == years


ON = date(2026, 12, 1)
PRICE = Decimal("1050000.00")


@pytest.mark.parametrize(
    ("held_since", "family_homes", "vat_due", "income_tax_due"),
    [
        # Held 1 year: VAT 1,050,000 ÷ 1.05 × 5 % = 50,000.00; income tax 1 % = 10,500.00.
        (date(2025, 6, 1), 1, "50000.00", "10500.00"),
        # Held 3 years, the only home: VAT exempt (≥ 2 years), income tax due (< 5 years).
        (date(2023, 6, 1), 1, "0.00", "10500.00"),
        # Held 6 years, the only home (满五唯一): nothing due.
        (date(2020, 6, 1), 1, "0.00", "0.00"),
        # Held 6 years, but the family owns another home: income tax due.
        (date(2020, 6, 1), 2, "0.00", "10500.00"),
        # Held 1 year and not the only home: both due.
        (date(2025, 6, 1), 3, "50000.00", "10500.00"),
        # Exactly 2 years on the day: VAT exempt; exactly 5 years, only home: income tax exempt.
        (date(2024, 12, 1), 1, "0.00", "10500.00"),
        (date(2021, 12, 1), 1, "0.00", "0.00"),
        # One day short of 2 years.
        (date(2024, 12, 2), 1, "50000.00", "10500.00"),
    ],
)
def test_a_sole_sellers_taxes(held_since, family_homes, vat_due, income_tax_due):
    vat_tax, income = seller_taxes(TAXES, PRICE, Decimal(1), held_since, ON, family_homes)
    assert (vat_tax.kind, income.kind) == (TaxKind.VAT, TaxKind.INDIVIDUAL_INCOME_TAX)
    assert (vat_tax.amount, income.amount) == (Decimal(vat_due), Decimal(income_tax_due))
    assert vat_tax.taxable_amount == income.taxable_amount == PRICE
    assert (vat_tax.exemption is None) == (vat_tax.amount > 0)
    assert (income.exemption is None) == (income.amount > 0)


@pytest.mark.parametrize(
    ("price", "share", "taxable", "vat_due", "income_tax_due"),
    [
        # Half of 1,000,000: 500,000 ÷ 1.05 × 5 % = 23,809.5238… → 23,809.52; 1 % = 5,000.00.
        ("1000000.00", "0.5", "500000.00", "23809.52", "5000.00"),
        # A third of 1,000,000: 333,333.33…; ÷ 1.05 × 5 % = 15,873.0158… → 15,873.02; 1 % = 3,333.33.
        ("1000000.00", str(Decimal(1) / Decimal(3)), "333333.33", "15873.02", "3333.33"),
        # 70 % of 888,888.88: 622,222.216; ÷ 1.05 × 5 % = 29,629.6293… → 29,629.63; 1 % = 6,222.22.
        ("888888.88", "0.7", "622222.22", "29629.63", "6222.22"),
    ],
)
def test_each_seller_is_taxed_on_price_times_share_rounded_once(price, share, taxable, vat_due, income_tax_due):
    vat_tax = vat(TAXES, Decimal(price), Decimal(share), years_held=1)
    income = income_tax(TAXES, Decimal(price), Decimal(share), years_held=1, family_homes=2)
    assert vat_tax.taxable_amount == income.taxable_amount == Decimal(taxable)
    assert (vat_tax.amount, income.amount) == (Decimal(vat_due), Decimal(income_tax_due))
    assert (vat_tax.rate, income.rate) == (Decimal("0.05"), Decimal("0.01"))


def test_the_fee_schedule_and_seller_tax_table_come_from_settings(monkeypatch):
    from api.settings import Settings, SettingsError

    assert Settings.from_env().policy.fees == FeeSchedule()
    monkeypatch.setenv("ONEWINDOW_FEE_RESIDENTIAL", "60.00")
    monkeypatch.setenv("ONEWINDOW_SELLER_VAT_EXEMPT_YEARS", "5")
    policy = Settings.from_env().policy
    assert policy.fees.residential == Decimal("60.00") and policy.fees.non_residential == Decimal("550.00")
    assert policy.seller_taxes.vat_exempt_after_years == 5
    monkeypatch.setenv("ONEWINDOW_SELLER_INCOME_TAX_RATE", "one percent")
    with pytest.raises(SettingsError, match="ONEWINDOW_SELLER_INCOME_TAX_RATE"):
        Settings.from_env()
