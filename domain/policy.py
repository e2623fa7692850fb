"""County policy the rules depend on: numbers that are configuration, not code (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class DeedTaxBracket:
    """Rate for buyers whose family held `homes_before` homes (the last bracket covers more)."""

    homes_before: int
    rate_up_to_area_limit: Decimal
    rate_above_area_limit: Decimal


def _default_deed_tax_brackets() -> tuple[DeedTaxBracket, ...]:
    return (
        DeedTaxBracket(0, Decimal("0.01"), Decimal("0.015")),
        DeedTaxBracket(1, Decimal("0.01"), Decimal("0.02")),
    )


@dataclass(frozen=True)
class FeeSchedule:
    """登记费 per application, after 发改价格规〔2016〕2559号 (DESIGN §7)."""

    residential: Decimal = Decimal("80.00")
    non_residential: Decimal = Decimal("550.00")
    # 证书工本费 for each ownership certificate beyond the first (the first is free).
    extra_certificate: Decimal = Decimal("10.00")


@dataclass(frozen=True)
class SellerTaxPolicy:
    """A resale seller's taxes (DESIGN §7): VAT and individual income tax, and when each is exempt."""

    vat_rate: Decimal = Decimal("0.05")
    # VAT is charged on the price without VAT: price ÷ (1 + rate).
    vat_exempt_after_years: int = 2
    income_tax_rate: Decimal = Decimal("0.01")
    # Exempt only for the family's only home held this long (满五唯一).
    income_tax_exempt_after_years: int = 5


@dataclass(frozen=True)
class CountyPolicy:
    province_abbreviation: str = "豫"
    county_name: str = "息县"
    county_code: str = "411528"
    timezone: str = "Asia/Shanghai"
    maintenance_rate_per_m2: Decimal = Decimal("80.00")
    deed_tax_area_limit_m2: Decimal = Decimal("140")
    deed_tax_brackets: tuple[DeedTaxBracket, ...] = field(default_factory=_default_deed_tax_brackets)
    # Two or more homes before, or not residential (provincial rate).
    deed_tax_general_rate: Decimal = Decimal("0.03")
    advance_notice_lapse_days: int = 90
    # Supervision figures (issue 16): the promised time for an application, in working days
    # (weekends off), and the days after completion acceptance within which a transfer
    # counts as 交房即交证.
    statutory_limit_working_days: int = 5
    delivery_with_certificate_days: int = 30
    # Instant approval of an advance notice needs a shared population record for every
    # applicant who is a person (DATA_COMPLETE); without one the application goes to a
    # registrar. Off by default: records are checked where they exist (DESIGN §2).
    shared_record_required: bool = False
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    seller_taxes: SellerTaxPolicy = field(default_factory=SellerTaxPolicy)
