"""Mortgages of registered homes as pure rules: who may borrow, when the registration is refused,
and the priority of the rights in force (DESIGN §7)."""

from __future__ import annotations

import pytest

from domain.enums import MortgageStatus
from domain.rules.mortgages import (
    BuyersLoan,
    MortgageRegistrationFacts,
    MortgageRight,
    borrowers_refusal,
    loans_registered_with_transfer,
    mortgage_priority,
    mortgage_registration_refusal,
    ranks,
)


def test_rights_rank_by_order_of_registration_and_a_converted_one_keeps_its_origin():
    # Registration 30 was converted from advance mortgage 5: it ranks as registered at 5.
    rights = [MortgageRight(40, 2, None), MortgageRight(30, 1, 5), MortgageRight(50, 3, None)]
    assert ranks(rights) == {30: 1, 40: 2, 50: 3}
    # The first discharged: the later ones move up.
    assert ranks([r for r in rights if r.registration_id != 30]) == {40: 1, 50: 2}
    assert ranks([]) == {}


def test_a_right_registered_after_it_was_applied_for_ranks_when_registered():
    # 41 was applied for first and waited for its fee: registered (log seq 900) after 42 (seq 800).
    rights = [MortgageRight(41, 1, None, 900), MortgageRight(42, 2, None, 800), MortgageRight(30, 3, 5, 100)]
    assert ranks(rights) == {30: 1, 42: 2, 41: 3}


@pytest.mark.parametrize(
    ("status", "rank", "in_force", "expected"),
    [
        (MortgageStatus.REGISTERED, 2, 2, 2),
        (MortgageStatus.ADVANCE_REGISTERED, 1, 1, 1),
        (MortgageStatus.APPROVED, None, 0, 1),
        (MortgageStatus.APPROVED, None, 2, 3),
        (MortgageStatus.DISCHARGED, None, 1, 0),
    ],
)
def test_priority_of_a_mortgage(status, rank, in_force, expected):
    assert mortgage_priority(status, rank, in_force) == expected


@pytest.mark.parametrize(
    ("borrowers", "holders", "code", "field"),
    [
        ([1], [], "INVALID_STATE", ["input", "propertyId"]),
        ([], [1], "INVALID_INPUT", ["input", "borrowers"]),
        ([1, 1], [1], "INVALID_INPUT", ["input", "borrowers", "1"]),
        ([1, 3], [1, 2], "INVALID_INPUT", ["input", "borrowers", "1"]),
    ],
)
def test_borrowers_are_holders_of_the_ownership(borrowers, holders, code, field):
    refusal = borrowers_refusal(borrowers, holders)
    assert refusal is not None and (refusal.code, refusal.field) == (code, field)


def test_joint_owners_may_borrow_together_or_one_of_them():
    assert borrowers_refusal([2, 1], [1, 2]) is None
    assert borrowers_refusal([2], [1, 2]) is None


def _facts(**change) -> MortgageRegistrationFacts:
    facts = {
        "status": MortgageStatus.APPROVED,
        "on_contract": False,
        "borrowers": frozenset({1, 2}),
        "signers": frozenset({1, 2}),
        "holders": frozenset({1, 2}),
        "seizure_in_force": False,
        "objection_in_force": False,
    }
    return MortgageRegistrationFacts(**{**facts, **change})


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"on_contract": True}, "INVALID_STATE"),
        ({"status": MortgageStatus.REGISTERED}, "INVALID_STATE"),
        ({"status": MortgageStatus.DISCHARGED}, "INVALID_STATE"),
        ({"signers": frozenset({1})}, "SIGNATURES_MISSING"),
        ({"holders": frozenset({1, 3})}, "INVALID_STATE"),
        ({"holders": frozenset()}, "INVALID_STATE"),
        ({"seizure_in_force": True}, "ENCUMBERED"),
        ({"objection_in_force": True}, "ENCUMBERED"),
        ({"signers": frozenset(), "seizure_in_force": True}, "SIGNATURES_MISSING"),
    ],
)
def test_mortgage_registration_refusals(change, code):
    refusal = mortgage_registration_refusal(_facts(**change))
    assert refusal is not None and refusal.code == code


def test_a_signed_loan_on_a_free_home_registers():
    assert mortgage_registration_refusal(_facts()) is None


def test_a_buyers_loan_on_a_resale_registers_once_the_buyers_hold_the_home():
    # Left out of the transfer's decision (not signed then), it registers afterwards like a home loan.
    assert mortgage_registration_refusal(_facts(on_resale=True)) is None
    before = mortgage_registration_refusal(_facts(on_resale=True, holders=frozenset({7})))
    assert before is not None and (before.code, before.field) == ("INVALID_STATE", ["input", "mortgageId"])
    assert "with its transfer" in before.message
    unsigned = mortgage_registration_refusal(_facts(on_resale=True, signers=frozenset({1})))
    assert unsigned is not None and unsigned.code == "SIGNATURES_MISSING"


# ---- the buyers' loans a resale transfer registers with it (combined loans, 带押过户)

BANK, FUND, OTHER = 901, 902, 903
HUSBAND, WIFE = 11, 12


def _loan(mortgage_id: int, lender: int, signers: tuple[int, ...] = (HUSBAND, WIFE)) -> BuyersLoan:
    return BuyersLoan(mortgage_id, lender, (HUSBAND, WIFE), frozenset(signers))


def test_every_fully_signed_loan_registers_in_the_contracts_lender_order():
    fund_first = [_loan(5, FUND), _loan(6, BANK)]  # the fund approved first
    chosen = loans_registered_with_transfer(fund_first, [BANK, FUND])
    assert [loan.mortgage_id for loan in chosen] == [6, 5]  # the bank ranks first, as the contract names it


def test_the_order_does_not_depend_on_the_approvals_order():
    loans = [_loan(5, FUND), _loan(6, BANK)]
    assert loans_registered_with_transfer(loans, [BANK, FUND]) == loans_registered_with_transfer(
        list(reversed(loans)), [BANK, FUND]
    )
    assert [loan.mortgage_id for loan in loans_registered_with_transfer(loans, [FUND, BANK])] == [5, 6]


def test_a_loan_not_signed_by_every_borrower_is_left_out():
    loans = [_loan(5, BANK, signers=(HUSBAND,)), _loan(6, FUND)]
    assert [loan.mortgage_id for loan in loans_registered_with_transfer(loans, [BANK, FUND])] == [6]
    assert loans_registered_with_transfer([_loan(7, BANK, signers=())], [BANK]) == []
    no_borrowers = BuyersLoan(8, BANK, (), frozenset({HUSBAND}))
    assert loans_registered_with_transfer([no_borrowers], [BANK]) == []


def test_a_lender_the_contract_does_not_name_comes_last_then_by_approval():
    loans = [_loan(9, OTHER), _loan(4, OTHER), _loan(10, BANK)]
    assert [loan.mortgage_id for loan in loans_registered_with_transfer(loans, [BANK])] == [10, 4, 9]
    assert [loan.mortgage_id for loan in loans_registered_with_transfer(loans, [])] == [4, 9, 10]
