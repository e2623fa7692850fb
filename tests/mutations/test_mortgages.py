"""approveMortgage, signMortgage, applyAdvanceMortgageRegistration, dischargeMortgage: given a filed
contract that chose a lender, when the bank acts at its counter, then the mortgage moves on."""

from __future__ import annotations

import pytest

from domain.models import Event, Mortgage, Registration
from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.story import Life
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


@pytest.fixture
async def pre_registered(life):
    _, units = await life.permit_with_units(units=1)
    life.unit_ids = [u["id"] for u in units]
    return await life.pre_registered(units[0]["id"])


async def test_approve_sign_and_register_the_advance_mortgage(life, pre_registered):
    contract, _ = pre_registered
    approved = await life.approve(contract["id"], principal="700000.00")
    mortgage = approved["mortgage"]
    assert (mortgage["status"], mortgage["principal"], [b["name"] for b in mortgage["borrowers"]]) == (
        "APPROVED",
        "700000.00",
        ["张三"],
    )
    signed = await life.sign_mortgage(mortgage["id"], life.actors.zhang)
    assert signed["mortgage"]["signatures"] == [{"method": "FACE"}]
    applied = await life.advance_mortgage(mortgage["id"])
    registration = applied["registration"]
    assert (registration["kind"], registration["status"], registration["rightStatus"]) == (
        "ADVANCE_MORTGAGE",
        "COMPLETED",
        "IN_FORCE",
    )
    assert (
        registration["certificate"]["kind"] == "REGISTRATION_PROOF"
        and registration["mortgage"]["status"] == "ADVANCE_REGISTERED"
    )
    assert all(c["passed"] for c in registration["checks"])
    assert await Event.filter(type="MORTGAGE_APPROVED").count() == 1


@pytest.mark.parametrize(
    "role, party, code",
    [
        ("BANK", ids.OTHER_BANK, "NOT_FOUND"),
        ("TAX", None, "FORBIDDEN"),
        ("REGISTRAR", None, "FORBIDDEN"),
        ("BUYER", ids.ZHANG_SAN, "FORBIDDEN"),
    ],
)
async def test_only_the_chosen_lender_approves(life, pre_registered, role, party, code):
    contract, _ = pre_registered
    assert error_codes(await life.approve(contract["id"], bearer=token(role, party, ["ca", "face"]))) == [code]
    assert await Mortgage.all().count() == 0


async def test_the_principal_is_at_most_price_less_down_payment(life, pre_registered):
    contract, _ = pre_registered
    assert error_fields(await life.approve(contract["id"], principal="700000.01")) == [
        ("INVALID_INPUT", ["input", "principal"])
    ]
    assert error_fields(await life.approve(contract["id"], term=0)) == [("INVALID_INPUT", ["input", "termMonths"])]
    assert (await life.approve(contract["id"], principal="700000.00"))["userErrors"] == []
    assert error_codes(await life.approve(contract["id"])) == ["DUPLICATE"]


async def test_a_full_payment_or_unfiled_contract_gets_no_loan(life):
    _, units = await life.permit_with_units(units=2)
    unfiled = await life.signed_contract(units[0]["id"])
    assert error_codes(await life.approve(unfiled["id"])) == ["INVALID_STATE"]
    paid_in_full, _ = await life.filed_contract(units[1]["id"], lender=None, payment_method="FULL_PAYMENT")
    assert error_codes(await life.approve(paid_in_full["id"])) == ["FORBIDDEN"]


async def test_borrowers_sign_face_verified_once(life, pre_registered):
    contract, _ = pre_registered
    mortgage = (await life.approve(contract["id"]))["mortgage"]
    assert error_codes(await life.sign_mortgage(mortgage["id"], token("BUYER", ids.ZHANG_SAN, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]
    assert error_codes(await life.sign_mortgage(mortgage["id"], life.actors.li)) == ["NOT_FOUND"]  # not Li's to see
    assert error_codes(await life.sign_mortgage(mortgage["id"], life.actors.bank)) == ["FORBIDDEN"]
    await life.sign_mortgage(mortgage["id"], life.actors.zhang)
    assert error_codes(await life.sign_mortgage(mortgage["id"], life.actors.zhang)) == ["DUPLICATE"]


async def test_the_advance_mortgage_needs_signatures_an_advance_notice_and_no_seizure(life):
    _, units = await life.permit_with_units(units=1)
    contract, registration = await life.filed_contract(units[0]["id"])
    mortgage = (await life.approve(contract["id"]))["mortgage"]
    assert error_codes(await life.advance_mortgage(mortgage["id"])) == ["SIGNATURES_MISSING"]
    await life.sign_mortgage(mortgage["id"], life.actors.zhang)
    assert error_codes(await life.advance_mortgage(mortgage["id"])) == [
        "INVALID_STATE"
    ]  # advance notice not in force yet
    await life.submit(registration["id"], life.actors.zhang)
    seizure = (await life.seize(units[0]["id"]))["registration"]
    assert error_codes(await life.advance_mortgage(mortgage["id"])) == ["ENCUMBERED"]
    await life.release(seizure["id"])
    assert (await life.advance_mortgage(mortgage["id"]))["userErrors"] == []
    assert error_codes(await life.advance_mortgage(mortgage["id"], bearer=life.actors.other_bank)) == ["NOT_FOUND"]


async def test_discharge_ends_the_right(life, pre_registered):
    contract, _ = pre_registered
    mortgage = await life.mortgaged(contract["id"], [life.actors.zhang])
    assert error_codes(await life.discharge(mortgage["id"], bearer=life.actors.other_bank)) == ["NOT_FOUND"]
    discharged = (await life.discharge(mortgage["id"]))["registration"]
    assert (discharged["kind"], discharged["status"], discharged["mortgage"]["status"]) == (
        "MORTGAGE_DISCHARGE",
        "COMPLETED",
        "DISCHARGED",
    )
    advance = await Registration.get(kind="ADVANCE_MORTGAGE")
    assert advance.right_status == "HISTORIC"
    assert error_codes(await life.discharge(mortgage["id"])) == ["INVALID_STATE"]


async def test_priority_while_approved_in_force_and_discharged(life, pre_registered):
    """Mortgage.priority: the rank it would take while approved, its rank in force, 0 once discharged."""
    contract, _ = pre_registered
    query = "query($id: ID!) { node(id: $id) { ... on Mortgage { status priority registrations { priority } } } }"
    approved = (await life.approve(contract["id"]))["mortgage"]
    shown = (await life.client.data(query, {"id": approved["id"]}, bearer=life.actors.bank))["node"]
    assert (shown["status"], shown["priority"], shown["registrations"]) == ("APPROVED", 1, [])
    assert (await life.sign_mortgage(approved["id"], life.actors.zhang))["userErrors"] == []
    assert (await life.advance_mortgage(approved["id"]))["userErrors"] == []
    shown = (await life.client.data(query, {"id": approved["id"]}, bearer=life.actors.bank))["node"]
    assert (shown["status"], shown["priority"], shown["registrations"]) == ("ADVANCE_REGISTERED", 1, [{"priority": 1}])
    assert (await life.discharge(approved["id"]))["userErrors"] == []
    shown = (await life.client.data(query, {"id": approved["id"]}, bearer=life.actors.bank))["node"]
    # The ended right has no rank; the discharge registration is not a mortgage right.
    assert (shown["status"], shown["priority"], shown["registrations"]) == (
        "DISCHARGED",
        0,
        [{"priority": None}, {"priority": None}],
    )


async def test_cancellation_waits_for_the_advance_mortgage_and_notice(life, pre_registered):
    contract, _ = pre_registered
    await life.mortgaged(contract["id"], [life.actors.zhang])
    assert error_codes(await life.cancel(contract["id"])) == ["ENCUMBERED"]


async def test_mortgages_query_filters_by_status_and_lender(life, pre_registered):
    from domain.models import Party
    from resolvers.ids import to_global_id

    contract, _ = pre_registered
    await life.mortgaged(contract["id"], [life.actors.zhang])
    bank = await Party.get(id_number=ids.BANK)
    query = "query($f: MortgageFilter) { mortgages(filter: $f) { totalCount } }"
    assert (
        await life.client.data(
            query,
            {"f": {"status": "ADVANCE_REGISTERED", "lenderId": to_global_id("Party", bank.id)}},
            bearer=life.actors.registrar,
        )
    )["mortgages"]["totalCount"] == 1
    assert (await life.client.data(query, {"f": {"status": "REGISTERED"}}, bearer=life.actors.registrar))["mortgages"][
        "totalCount"
    ] == 0
    assert (await life.client.data(query, {}, bearer=life.actors.other_bank))["mortgages"]["totalCount"] == 0
    assert (await life.client.data(query, {}, bearer=life.actors.zhang))["mortgages"]["totalCount"] == 1
