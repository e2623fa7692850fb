"""The transfer of a resale registers the buyers' own loans in its decision (DESIGN §7): every loan
approved on the resale contract and signed by all its borrowers — both of a combined loan (组合贷)
— after the mortgages in force (带押过户), in the order of the contract's lenders whatever the
order of the approvals; a loan not fully signed stays APPROVED."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from domain.models import Event, Mortgage, Registration
from resolvers.ids import from_global_id, to_global_id
from tests import ids
from tests.combined import CombinedResale

_numbers = itertools.count(1)
COMBINED = {
    "payment_method": "COMBINED_LOAN",
    "lenders": [ids.OTHER_BANK, ids.PROVIDENT_FUND],
    "down_payment": "300000.00",
}


@pytest.fixture
async def life(gql):
    return await CombinedResale(gql).setup()


async def _registered_home(life, mortgaged: bool) -> dict | None:
    """张三's registered home; with `mortgaged`, the bank's mortgage in force on it (priority 1)."""
    permit, [unit] = await life.permit_with_units(units=1)
    life.unit = unit
    if mortgaged:
        contract, _ = await life.pre_registered(unit["id"])
        mortgage = await life.mortgaged(contract["id"], [life.actors.zhang])
    else:
        contract, _ = await life.pre_registered(unit["id"], payment_method="FULL_PAYMENT", lender=None)
        mortgage = None
    await life.pay_all(contract["id"])
    assert (await life.accept_completion(permit["id"], number=f"息竣备-组-{next(_numbers)}"))["userErrors"] == []
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    assert transfer["status"] == "COMPLETED"
    return mortgage


async def _transferred(life, contract: dict) -> dict:
    await life.pay_records(await life.assess(contract["id"]))
    await life.pay_records((await life.seller_taxes(contract["id"]))["taxRecords"])
    registration = (await life.apply_transfer(contract["id"], life.actors.wang))["registration"]
    assert (await life.sign_transfer(registration, life.actors.wang))["userErrors"] == []
    done = (await life.sign_transfer(registration, life.actors.zhang))["registration"]
    assert done["status"] == "COMPLETED", done
    await life.pay_fees()  # 登记费: each loan applied for with the transfer registers once its fee is paid
    return done


async def _approved(life, contract: dict, sign: tuple[bool, bool] = (True, True)) -> tuple[dict, dict]:
    """The fund approves first, then bank B; each signed by 王五 when `sign` says so."""
    fund = await life.approve_resale_loan(contract["id"], "280000.00", life.fund)
    bank = await life.approve_resale_loan(contract["id"], "420000.00", life.actors.other_bank)
    assert fund["userErrors"] == [] and bank["userErrors"] == [], (fund, bank)
    for loan, signed in zip((bank["mortgage"], fund["mortgage"]), sign, strict=True):
        if signed:
            assert (await life.sign_mortgage(loan["id"], life.actors.wang))["userErrors"] == []
    return bank["mortgage"], fund["mortgage"]


def _db_id(global_id: str) -> int:
    found = from_global_id(global_id)
    assert found is not None
    return found[1]


async def test_both_loans_of_a_combined_loan_register_after_the_old_mortgage_in_the_contracts_order(life):
    old = await _registered_home(life, mortgaged=True)
    contract = await life.signed_resale(
        life.unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang}, **COMBINED
    )
    assert (await life.consent(old["id"], contract["id"], life.actors.bank))["userErrors"] == []
    assert (await life.file_resale(contract["id"], life.actors.zhang))["userErrors"] == []
    bank, fund = await _approved(life, contract)

    await _transferred(life, contract)
    for loan, bearer, priority in ((old, life.actors.bank, 1), (bank, life.actors.other_bank, 2), (fund, life.fund, 3)):
        seen = await life.mortgage(loan["id"], bearer)
        assert (seen["status"], seen["priority"]) == ("REGISTERED", priority), seen
        assert [
            (r["kind"], r["rightStatus"], r["priority"]) for r in seen["registrations"] if r["kind"] == "MORTGAGE"
        ] == [("MORTGAGE", "IN_FORCE", priority)]
    # Applied for in one decision, the bank's first although the fund approved first; each
    # registered with its fee (登记费).
    rights = await Registration.filter(kind="MORTGAGE", contract_id=_db_id(contract["id"])).order_by("id")
    assert [r.mortgage_id for r in rights] == [_db_id(bank["id"]), _db_id(fund["id"])]
    transfer = await Registration.get(kind="TRANSFER", contract_id=_db_id(contract["id"]))
    decided = [
        e
        for e in await Event.filter(registration_id__in=[transfer.id, *(r.id for r in rights)]).order_by("seq")
        if e.type in ("REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED")
    ]
    assert [(e.type, e.registration_id) for e in decided][-6:] == [
        ("REGISTRATION_COMPLETED", transfer.id),
        ("CERTIFICATE_ISSUED", transfer.id),
        ("REGISTRATION_COMPLETED", rights[0].id),
        ("CERTIFICATE_ISSUED", rights[0].id),
        ("REGISTRATION_COMPLETED", rights[1].id),
        ("CERTIFICATE_ISSUED", rights[1].id),
    ]
    assert [e.mortgage_id for e in decided[-4::2]] == [r.mortgage_id for r in rights]

    # The old lender is paid off: the bank's moves to first, the fund's to second.
    assert (await life.discharge(old["id"], life.actors.bank))["userErrors"] == []
    assert (await life.mortgage(bank["id"], life.actors.other_bank))["priority"] == 1
    assert (await life.mortgage(fund["id"], life.fund))["priority"] == 2


async def test_the_loans_wait_for_their_fees_and_rank_in_the_order_they_are_registered(life):
    """登记费 (DESIGN §7): the transfer applies for each loan, in the contract's order; a loan
    registers when its fee is paid, by its bank or the registrar (the provident fund centre's at
    the window), and ranks by when it was registered: here the fund's, paid first."""
    await _registered_home(life, mortgaged=False)
    contract = await life.filed_resale(
        life.unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang}, **COMBINED
    )
    bank, fund = await _approved(life, contract)
    await life.pay_records(await life.assess(contract["id"]))
    await life.pay_records((await life.seller_taxes(contract["id"]))["taxRecords"])
    registration = (await life.apply_transfer(contract["id"], life.actors.wang))["registration"]
    await life.sign_transfer(registration, life.actors.wang)
    assert (await life.sign_transfer(registration, life.actors.zhang))["registration"]["status"] == "COMPLETED"
    applied = await Registration.filter(kind="MORTGAGE", contract_id=_db_id(contract["id"])).order_by("id")
    assert [(r.mortgage_id, r.status, r.right_status, r.fee) for r in applied] == [
        (_db_id(bank["id"]), "SUBMITTED", "PENDING", Decimal("80.00")),
        (_db_id(fund["id"]), "SUBMITTED", "PENDING", Decimal("80.00")),
    ]
    assert (await life.mortgage(bank["id"], life.actors.other_bank))["status"] == "APPROVED"
    # Applying again for a loan that waits for its fee is a duplicate.
    again = await life.register_home_mortgage(bank["id"], life.actors.other_bank, pay_fee=False)
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [("DUPLICATE", ["input", "mortgageId"])]
    bank_fee, fund_fee = (to_global_id("Registration", r.id) for r in applied)
    # The fund's is paid first, at the window; the fund centre itself records none.
    assert [e["code"] for e in (await life.pay_fee(fund_fee, "80.00", bearer=life.fund))["userErrors"]] == ["FORBIDDEN"]
    assert (await life.pay_fee(fund_fee, "80.00"))["registration"]["status"] == "COMPLETED"
    # The bank records its own; another bank may not.
    assert [e["code"] for e in (await life.pay_fee(bank_fee, "80.00", bearer=life.actors.bank))["userErrors"]] in (
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )
    paid = await life.pay_fee(bank_fee, "80.00", bearer=life.actors.other_bank)
    assert paid["userErrors"] == [] and paid["registration"]["status"] == "COMPLETED"
    assert (await life.mortgage(fund["id"], life.fund))["priority"] == 1
    assert (await life.mortgage(bank["id"], life.actors.other_bank))["priority"] == 2


async def test_a_loan_not_signed_by_every_borrower_stays_approved(life):
    await _registered_home(life, mortgaged=False)
    contract = await life.filed_resale(
        life.unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang}, **COMBINED
    )
    bank, fund = await _approved(life, contract, sign=(True, False))  # the fund, approved first, unsigned
    # Before the transfer a resale's loan does not register on its own: the sellers still hold the home.
    early = await life.register_home_mortgage(bank["id"], life.actors.other_bank)
    assert [(e["code"], e["field"]) for e in early["userErrors"]] == [("INVALID_STATE", ["input", "mortgageId"])]

    await _transferred(life, contract)
    registered = await life.mortgage(bank["id"], life.actors.other_bank)
    assert (registered["status"], registered["priority"]) == ("REGISTERED", 1)
    unsigned = await life.mortgage(fund["id"], life.fund)
    assert (unsigned["status"], unsigned["registrations"]) == ("APPROVED", [])
    assert unsigned["priority"] == 2  # the rank it would take if registered now
    assert (await Mortgage.get(id=_db_id(fund["id"]))).status == "APPROVED"

    # Signed later, the fund registers it itself: after the bank's, second.
    assert [e["code"] for e in (await life.register_home_mortgage(fund["id"], life.fund))["userErrors"]] == [
        "SIGNATURES_MISSING"
    ]
    assert (await life.sign_mortgage(fund["id"], life.actors.wang))["userErrors"] == []
    assert [
        e["code"] for e in (await life.register_home_mortgage(fund["id"], life.actors.other_bank))["userErrors"]
    ] in (
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )
    applied = await life.register_home_mortgage(fund["id"], life.fund)
    assert applied["userErrors"] == [], applied
    right = applied["registration"]
    assert (right["kind"], right["status"], right["rightStatus"], right["priority"]) == (
        "MORTGAGE",
        "COMPLETED",
        "IN_FORCE",
        2,
    )
    assert right["mortgage"]["status"] == "REGISTERED" and right["certificate"]["kind"] == "REGISTRATION_PROOF"
    assert (await life.mortgage(bank["id"], life.actors.other_bank))["priority"] == 1
