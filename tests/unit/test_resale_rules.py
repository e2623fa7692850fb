"""A resale's rules without a database: filing (domain/rules/filing.py resale_filing_refusal)
and the transfer decision (domain/rules/transfer.py)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.enums import ContractStatus, TaxStatus
from domain.rules.filing import ResaleFilingFacts, resale_filing_refusal
from domain.rules.transfer import (
    Decision,
    ResaleTransferFacts,
    taxes_settled,
    transfer_checks,
    transfer_decision,
)

FILEABLE = ResaleFilingFacts(
    status=ContractStatus.SIGNED,
    required_signers=frozenset({1, 2, 3}),
    signers_of_current_text=frozenset({1, 2, 3}),
    sellers=frozenset({1, 2}),
    holders_in_force=frozenset({1, 2}),
    another_contract_filed=False,
    rights_of_others_in_force=False,
    seizure_in_force=False,
    objection_in_force=False,
    escrow_required=Decimal("500000.00"),
    escrow_deposited=Decimal("500000.00"),
    mortgage_in_force=False,
)

# Each row breaks one rule more than the row before: the code is the first rule broken.
BROKEN_IN_ORDER = [
    ({"mortgage_in_force": True}, "ENCUMBERED"),
    ({"escrow_deposited": Decimal("499999.99")}, "FUNDS_NOT_DEPOSITED"),
    ({"objection_in_force": True}, "ENCUMBERED"),
    ({"seizure_in_force": True}, "ENCUMBERED"),
    ({"another_contract_filed": True}, "ALREADY_SOLD"),
    ({"holders_in_force": frozenset({1})}, "ALREADY_SOLD"),
    ({"signers_of_current_text": frozenset({1, 3})}, "SIGNATURES_MISSING"),
    ({"status": ContractStatus.FILED}, "INVALID_STATE"),
]


def test_a_signed_resale_held_by_its_sellers_and_escrowed_may_be_filed():
    assert resale_filing_refusal(FILEABLE) is None


@pytest.mark.parametrize("upto", range(1, len(BROKEN_IN_ORDER) + 1))
def test_the_first_rule_broken_gives_the_code(upto):
    facts, expected = FILEABLE, None
    for change, code in BROKEN_IN_ORDER[:upto]:
        facts, expected = replace(facts, **change), code
    refusal = resale_filing_refusal(facts)
    assert refusal is not None and refusal.code.value == expected


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"escrow_required": None, "escrow_deposited": Decimal(0)}, None),  # no escrow named
        ({"mortgage_in_force": True, "mortgage_consented": True}, None),  # 带押过户
        ({"rights_of_others_in_force": True}, "ALREADY_SOLD"),
        ({"status": ContractStatus.DRAFT}, "SIGNATURES_MISSING"),
        ({"status": ContractStatus.CANCELLED}, "INVALID_STATE"),
        ({"sellers": frozenset(), "holders_in_force": frozenset()}, "ALREADY_SOLD"),
    ],
)
def test_each_rule_alone(change, code):
    refusal = resale_filing_refusal(replace(FILEABLE, **change))
    assert (refusal.code.value if refusal else None) == code


READY = ResaleTransferFacts(
    contract_filed=True,
    unsigned_applicants=(),
    sellers_hold_ownership=True,
    seizure_in_force=False,
    objection_in_force=False,
    mortgage_without_consent=False,
    identity_mismatches=(),
    deed_tax_settled=True,
    seller_taxes_settled=True,
    fee_outstanding=Decimal(0),
)


@pytest.mark.parametrize(
    ("change", "decision"),
    [
        ({}, Decision.APPROVE),
        ({"deed_tax_settled": False}, Decision.WAIT),
        ({"seller_taxes_settled": False}, Decision.WAIT),
        ({"fee_outstanding": Decimal("80.00")}, Decision.WAIT),
        ({"identity_mismatches": ("王五",)}, Decision.REVIEW),
        ({"identity_mismatches": ("王五",), "deed_tax_settled": False}, Decision.REVIEW),
        ({"seizure_in_force": True}, Decision.REJECT),
        ({"seizure_in_force": True, "identity_mismatches": ("王五",)}, Decision.REJECT),
        ({"objection_in_force": True}, Decision.REJECT),
        ({"mortgage_without_consent": True}, Decision.REJECT),
        ({"sellers_hold_ownership": False}, Decision.REJECT),
        ({"contract_filed": False, "deed_tax_settled": False}, Decision.REJECT),
        ({"unsigned_applicants": ("张三",)}, Decision.REJECT),
    ],
)
def test_the_transfer_decision(change, decision):
    assert transfer_decision(transfer_checks(replace(READY, **change))) == decision


def test_every_check_is_named_and_a_failure_says_why():
    checks = transfer_checks(replace(READY, fee_outstanding=Decimal("80.00")))
    assert [c.rule for c in checks][-3:] == ["DEED_TAX_PAID", "SELLER_TAXES_PAID", "FEE_PAID"]
    [failed] = [c for c in checks if not c.passed]
    assert failed.rule == "FEE_PAID" and "80.00" in failed.message


@pytest.mark.parametrize(
    ("payers", "records", "settled"),
    [
        ([1], [(1, TaxStatus.PAID, Decimal("100.00"))], True),
        ([1], [(1, TaxStatus.ASSESSED, Decimal("0.00"))], True),  # exempt: nothing to pay
        ([1], [(1, TaxStatus.ASSESSED, Decimal("100.00"))], False),
        ([1], [(1, TaxStatus.CANCELLED, Decimal("100.00"))], False),
        ([1], [], False),
        ([1, 2], [(1, TaxStatus.PAID, Decimal("1.00"))], False),
        ([], [], False),
    ],
)
def test_taxes_settled(payers, records, settled):
    assert taxes_settled(payers, records) is settled


def test_a_registrars_approval_answers_for_the_rules_a_person_judges_only():
    mismatch = transfer_checks(replace(READY, identity_mismatches=("王五",)))
    assert transfer_decision(mismatch, approved_by_person=True) == Decision.APPROVE
    seized = transfer_checks(replace(READY, identity_mismatches=("王五",), seizure_in_force=True))
    assert transfer_decision(seized, approved_by_person=True) == Decision.REJECT
    unpaid = transfer_checks(replace(READY, identity_mismatches=("王五",), deed_tax_settled=False))
    assert transfer_decision(unpaid, approved_by_person=True) == Decision.WAIT
