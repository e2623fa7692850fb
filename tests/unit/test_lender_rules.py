"""A contract's lenders and the sum of its loans (domain/rules/lenders.py, issue 14 item 5), without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.enums import PaymentMethod
from domain.rules.lenders import (
    LENDER_FIELD,
    LENDERS_FIELD,
    LenderFacts,
    LenderKind,
    chosen_lenders,
    lender_kind,
    lenders_refusal,
    principal_refusal,
)
from domain.rules.validation import InvalidInput
from tests import ids

BANK = LenderFacts(ids.BANK, "息县农村商业银行")
OTHER_BANK = LenderFacts(ids.OTHER_BANK, "淮河银行")
FUND = LenderFacts(ids.PROVIDENT_FUND, "信阳市住房公积金管理中心")
FUND_BY_NAME = LenderFacts(ids.credit_code("91411500MA0000009"), "信阳市住房公积金中心")


@pytest.mark.parametrize(
    "lender, kind",
    [
        (BANK, LenderKind.BANK),
        (OTHER_BANK, LenderKind.BANK),
        (FUND, LenderKind.PROVIDENT_FUND),  # 12…: a public institution (事业单位)
        (FUND_BY_NAME, LenderKind.PROVIDENT_FUND),  # named so, whatever its code
    ],
)
def test_a_lenders_kind_comes_from_its_credit_code_or_name(lender, kind):
    assert lender_kind(lender) == kind


@pytest.mark.parametrize(
    "method, lenders, field",
    [
        (PaymentMethod.COMBINED_LOAN, [BANK, FUND], None),
        (PaymentMethod.COMBINED_LOAN, [FUND, BANK], None),  # either may come first
        (PaymentMethod.COMBINED_LOAN, [BANK], LENDERS_FIELD),
        (PaymentMethod.COMBINED_LOAN, [], LENDERS_FIELD),
        (PaymentMethod.COMBINED_LOAN, [BANK, OTHER_BANK], [*LENDERS_FIELD, "1"]),
        (PaymentMethod.COMBINED_LOAN, [FUND, FUND_BY_NAME], [*LENDERS_FIELD, "1"]),
        (PaymentMethod.COMBINED_LOAN, [BANK, FUND, OTHER_BANK], LENDERS_FIELD),
        (PaymentMethod.COMBINED_LOAN, [BANK, BANK], [*LENDERS_FIELD, "1"]),  # named twice
        (PaymentMethod.COMMERCIAL_LOAN, [BANK], None),
        (PaymentMethod.COMMERCIAL_LOAN, [], None),
        (PaymentMethod.PROVIDENT_FUND_LOAN, [FUND], None),
        (PaymentMethod.COMMERCIAL_LOAN, [BANK, FUND], LENDERS_FIELD),
        (PaymentMethod.PROVIDENT_FUND_LOAN, [BANK, FUND], LENDERS_FIELD),
        (PaymentMethod.FULL_PAYMENT, [], None),
        (PaymentMethod.FULL_PAYMENT, [BANK], LENDERS_FIELD),
    ],
)
def test_lenders_fit_the_payment_method(method, lenders, field):
    refusal = lenders_refusal(method, lenders)
    if field is None:
        assert refusal is None
    else:
        assert refusal is not None and (refusal.code, refusal.field) == ("INVALID_INPUT", field)


def test_a_refusal_names_the_field_the_lenders_came_from():
    refusal = lenders_refusal(PaymentMethod.FULL_PAYMENT, [BANK], LENDER_FIELD)
    assert refusal is not None and refusal.field == LENDER_FIELD


@pytest.mark.parametrize(
    "lender_id_number, lenders, chosen, field",
    [
        (None, [], [], LENDER_FIELD),
        (ids.BANK, [], [ids.BANK], LENDER_FIELD),
        (None, [ids.BANK, ids.PROVIDENT_FUND], [ids.BANK, ids.PROVIDENT_FUND], LENDERS_FIELD),
        (ids.BANK, [ids.BANK, ids.PROVIDENT_FUND], [ids.BANK, ids.PROVIDENT_FUND], LENDERS_FIELD),
    ],
)
def test_the_lenders_named_by_either_field(lender_id_number, lenders, chosen, field):
    assert chosen_lenders(lender_id_number, lenders) == (chosen, field)


def test_lender_id_number_given_with_lenders_must_be_their_first():
    with pytest.raises(InvalidInput) as refused:
        chosen_lenders(ids.PROVIDENT_FUND, [ids.BANK, ids.PROVIDENT_FUND])
    assert refused.value.field == LENDER_FIELD


PRICE, DOWN = Decimal("1000000.00"), Decimal("300000.00")


@pytest.mark.parametrize(
    "principal, others, refused",
    [
        (Decimal("700000.00"), [], False),
        (Decimal("700000.01"), [], True),
        (Decimal("500000.00"), [Decimal("200000.00")], False),  # the sum is exactly the limit
        (Decimal("500000.01"), [Decimal("200000.00")], True),
        (Decimal("0.01"), [Decimal("700000.00")], True),
        (Decimal("100000.00"), [Decimal("300000.00"), Decimal("300000.00")], False),
    ],
)
def test_the_loans_together_lend_at_most_the_price_less_the_down_payment(principal, others, refused):
    refusal = principal_refusal(principal, PRICE, DOWN, others)
    if refused:
        assert refusal is not None and (refusal.code, refusal.field) == ("INVALID_INPUT", ["input", "principal"])
    else:
        assert refusal is None
