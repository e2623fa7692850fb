"""The filing checks (domain/rules/filing.py) and Property.status, without a database."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.enums import ContractStatus, PermitStatus, PropertyStatus
from domain.rules.filing import FilingFacts, filing_refusal
from domain.rules.property_status import derive_status

FILEABLE = FilingFacts(
    status=ContractStatus.SIGNED,
    required_signers=frozenset({1, 2}),
    signers_of_current_text=frozenset({1, 2}),
    permit_status=PermitStatus.VALID,
    permit_covers_property=True,
    another_contract_filed=False,
    rights_of_others_in_force=False,
    seizure_in_force=False,
    supervised_deposited=Decimal("300000.00"),
    supervised_required=Decimal("300000.00"),
    maintenance_deposited=Decimal("4500.00"),
    maintenance_required=Decimal("4500.00"),
)

# Each row breaks one rule more than the row before it: the code is that of the first rule
# broken in DESIGN §2 step 5's order, so a later failure never hides an earlier one.
BROKEN_IN_ORDER = [
    ({"maintenance_deposited": Decimal("4499.99")}, "MAINTENANCE_FUND_UNPAID"),
    ({"supervised_deposited": Decimal("0.00")}, "FUNDS_NOT_DEPOSITED"),
    ({"seizure_in_force": True}, "ENCUMBERED"),
    ({"rights_of_others_in_force": True}, "ALREADY_SOLD"),
    ({"permit_covers_property": False}, "PERMIT_INVALID"),
    ({"signers_of_current_text": frozenset({1})}, "SIGNATURES_MISSING"),
    ({"status": ContractStatus.FILED}, "INVALID_STATE"),
]


def test_a_signed_paid_unencumbered_contract_may_be_filed():
    assert filing_refusal(FILEABLE) is None


@pytest.mark.parametrize("upto", range(1, len(BROKEN_IN_ORDER) + 1))
def test_the_first_rule_broken_gives_the_code(upto):
    facts, expected = FILEABLE, None
    for change, code in BROKEN_IN_ORDER[:upto]:
        facts, expected = replace(facts, **change), code
    refusal = filing_refusal(facts)
    assert refusal is not None and refusal.code.value == expected


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": ContractStatus.CANCELLED}, "INVALID_STATE"),
        ({"status": ContractStatus.DRAFT}, "SIGNATURES_MISSING"),
        ({"permit_status": PermitStatus.REVOKED}, "PERMIT_INVALID"),
        ({"permit_status": None}, "PERMIT_INVALID"),
        ({"another_contract_filed": True}, "ALREADY_SOLD"),
        ({"supervised_deposited": Decimal("299999.99")}, "FUNDS_NOT_DEPOSITED"),
    ],
)
def test_each_rule_alone(change, code):
    refusal = filing_refusal(replace(FILEABLE, **change))
    assert refusal is not None and refusal.code.value == code


def test_each_refusal_is_a_new_exception():
    broken = replace(FILEABLE, seizure_in_force=True)
    assert filing_refusal(broken) is not filing_refusal(broken)


@pytest.mark.parametrize(
    ("ownership", "notice", "filed", "status"),
    [
        (True, True, True, PropertyStatus.REGISTERED),
        (True, False, False, PropertyStatus.REGISTERED),
        (False, True, True, PropertyStatus.PRE_REGISTERED),
        (False, True, False, PropertyStatus.PRE_REGISTERED),
        (False, False, True, PropertyStatus.SOLD),
        (False, False, False, PropertyStatus.AVAILABLE),
    ],
)
def test_the_strongest_fact_gives_the_status(ownership, notice, filed, status):
    assert derive_status(ownership, notice, filed) == status
