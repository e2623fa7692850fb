"""登记费 (issue 14 item 6, DESIGN §7) on the registrations beyond the first sale: a resale
transfer and a registered home's mortgage are charged 80 CNY (a home), the free kinds 0; a
charged registration completes only once its fee is recorded, and then by itself, whichever
payment (tax or fee) comes last."""

from __future__ import annotations

import pytest

from domain.models import FeePayment, SharedPersonRecord
from tests import ids
from tests.combined import CombinedResale
from tests.mutations.conftest import error_codes, error_fields
from tests.resale import held_since

REGISTRATION = """query($id: ID!) { node(id: $id) { ... on Registration {
  kind status rightStatus fee feeOutstanding checks { rule passed message } } } }"""
OWNERS = "query($u: String!) { property(unitCode: $u) { owners { idNumber } } }"
PARTY = "query($n: String!) { party(idNumber: $n) { id } }"


@pytest.fixture
async def life(gql):
    return await CombinedResale(gql).setup()


@pytest.fixture
async def home(life):
    """张三's registered home, held a year (the first registration's fees paid)."""
    unit, contract, transfer = await life.registered_home()
    await held_since(transfer["id"], 1)
    life.unit, life.contract, life.transfer = unit, contract, transfer
    return unit


async def _node(life, registration_id: str) -> dict:
    return (await life.client.data(REGISTRATION, {"id": registration_id}, bearer=life.actors.registrar))["node"]


async def _owners(life) -> list[str]:
    data = await life.client.data(OWNERS, {"u": life.unit["unitCode"]}, bearer=life.actors.registrar)
    return [o["idNumber"] for o in data["property"]["owners"]]


async def _taxes_paid(life, contract: dict) -> None:
    await life.pay_records(await life.assess(contract["id"]))
    await life.pay_records((await life.seller_taxes(contract["id"]))["taxRecords"])


async def _signed_transfer(life, contract: dict) -> dict:
    """The buyer applies (the fee not paid) and both sign; the application as the last signature left it."""
    registration = (await life.apply_transfer(contract["id"], life.actors.wang, pay_fee=False))["registration"]
    assert (registration["fee"], registration["feeOutstanding"]) == ("80.00", "80.00")
    await life.sign_transfer(registration, life.actors.wang)
    return (await life.sign_transfer(registration, life.actors.zhang))["registration"]


async def test_the_free_kinds_carry_no_fee(life, home):
    """Hand-worked: advance notice, seizure, objection, cancellation and correction are free (0)."""
    correction = await life.call(
        """mutation($input: ApplyCorrectionRegistrationInput!) { applyCorrectionRegistration(input: $input) {
             registration { id } userErrors { code field message } } }""",
        "applyCorrectionRegistration",
        {
            "registrationId": life.transfer["id"],
            "corrections": [{"field": "buildingArea", "value": "90.37"}],
            "reason": "测绘成果更正",
        },
        life.actors.zhang,
    )
    assert correction["userErrors"] == [], correction
    _, [unit] = await life.permit_with_units(units=1)
    _, notice = await life.pre_registered(unit["id"])
    cancellation = await life.apply_cancellation(notice["id"], life.actors.zhang)
    assert cancellation["userErrors"] == [], cancellation
    seizure = (await life.seize(home["id"]))["registration"]
    # Test setup: the claimant is known from the population data.
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    objection = await life.object(home["id"], ids.WANG_WU)
    assert objection["userErrors"] == [], objection
    free = (notice, seizure, objection["registration"], cancellation["registration"], correction["registration"])
    for registration in free:
        node = await _node(life, registration["id"])
        assert (node["fee"], node["feeOutstanding"]) == ("0.00", "0.00"), node
        # Nothing to pay, so nothing is taken.
        assert error_fields(await life.pay_fee(registration["id"], "80.00")) == [
            ("INVALID_STATE", ["input", "registrationId"])
        ]
    assert await FeePayment.all().count() == 2  # the first registration's and the first transfer's


async def test_a_transfer_waiting_for_its_fee_completes_on_the_payment(life, home):
    contract = await life.filed_resale(home["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    await _taxes_paid(life, contract)
    signed = await _signed_transfer(life, contract)
    assert (signed["status"], signed["rightStatus"]) == ("SUBMITTED", "PENDING")
    assert await _owners(life) == [ids.ZHANG_SAN]
    # Neither party nor a bank records the fee of a transfer.
    for bearer in (life.actors.wang, life.actors.zhang, life.actors.bank, life.fund):
        assert error_codes(await life.pay_fee(signed["id"], "80.00", bearer=bearer)) in (["FORBIDDEN"], ["NOT_FOUND"])
    assert error_fields(await life.pay_fee(signed["id"], "550.00")) == [("INVALID_INPUT", ["input", "amount"])]
    assert await _owners(life) == [ids.ZHANG_SAN]

    paid = await life.pay_fee(signed["id"], "80.00")
    assert paid["userErrors"] == [], paid
    assert (paid["registration"]["status"], paid["registration"]["rightStatus"]) == ("COMPLETED", "IN_FORCE")
    assert paid["registration"]["feeOutstanding"] == "0.00"
    assert await _owners(life) == [ids.WANG_WU]
    checks = {c["rule"]: c["passed"] for c in (await _node(life, signed["id"]))["checks"]}
    assert checks["FEE_PAID"] and all(checks.values())
    # Paid once: a second payment is refused.
    assert error_fields(await life.pay_fee(signed["id"], "80.00")) == [("INVALID_STATE", ["input", "registrationId"])]


async def test_with_the_fee_paid_the_last_tax_payment_completes_it(life, home):
    contract = await life.filed_resale(home["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    signed = await _signed_transfer(life, contract)
    assert signed["status"] == "SUBMITTED"
    paid = await life.pay_fee(signed["id"], "80.00")
    assert paid["registration"]["status"] == "SUBMITTED"  # the taxes are still to pay
    assert await _owners(life) == [ids.ZHANG_SAN]
    await _taxes_paid(life, contract)
    assert (await _node(life, signed["id"]))["status"] == "COMPLETED"
    assert await _owners(life) == [ids.WANG_WU]


async def test_a_registered_homes_mortgage_registers_once_its_bank_pays_the_fee(life, home):
    owner = (await life.client.data(PARTY, {"n": ids.ZHANG_SAN}, bearer=life.actors.bank))["party"]["id"]
    approved = await life.approve_home_loan(home["id"], [owner], "300000.00", life.actors.bank)
    assert approved["userErrors"] == [], approved
    mortgage = approved["mortgage"]
    assert (await life.sign_mortgage(mortgage["id"], life.actors.zhang))["userErrors"] == []
    applied = await life.register_home_mortgage(mortgage["id"], life.actors.bank, pay_fee=False)
    assert applied["userErrors"] == [], applied
    registration = applied["registration"]
    assert (registration["status"], registration["rightStatus"], registration["fee"]) == (
        "SUBMITTED",
        "PENDING",
        "80.00",
    )
    assert registration["mortgage"]["status"] == "APPROVED"
    again = await life.register_home_mortgage(mortgage["id"], life.actors.bank, pay_fee=False)
    assert error_fields(again) == [("DUPLICATE", ["input", "mortgageId"])]
    # A seizure registered meanwhile: the payment is taken, the mortgage waits for the release.
    seizure = (await life.seize(home["id"]))["registration"]
    assert error_codes(await life.pay_fee(registration["id"], "80.00", bearer=life.actors.other_bank)) == ["NOT_FOUND"]
    paid = await life.pay_fee(registration["id"], "80.00", bearer=life.actors.bank)
    assert paid["userErrors"] == [], paid
    assert (paid["registration"]["status"], paid["registration"]["feeOutstanding"]) == ("SUBMITTED", "0.00")
    assert (await life.release(seizure["id"]))["userErrors"] == []
    done = await _node(life, registration["id"])
    assert (done["status"], done["rightStatus"]) == ("COMPLETED", "IN_FORCE")
    seen = await life.mortgage(mortgage["id"], life.actors.bank)
    assert (seen["status"], seen["priority"]) == ("REGISTERED", 1)
    assert await FeePayment.filter(recorded_by__id_number=ids.BANK).count() == 1
