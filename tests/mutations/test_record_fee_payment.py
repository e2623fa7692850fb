"""recordFeePayment (登记费, DESIGN §7): REGISTRAR, or a BANK for a mortgage registration it
applied for; the amount is what is due; a registration with a fee completes by itself in the
transaction of its payment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.models import Event, FeePayment, Mortgage, Property, Registration
from resolvers.ids import to_global_id
from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.story import Life, property_input
from tests.support import token

REGISTRATION = """query($id: ID!) { node(id: $id) { ... on Registration {
  kind status rightStatus fee feeOutstanding feePayments { amount voucherNumber paidAt } } } }"""

OWNERS = "query($u: String!) { property(unitCode: $u) { owners { name } } }"


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


@pytest.fixture
async def permit(life):
    """A residential unit and a shop on one permit, completion accepted."""
    payload = await life.issue_permit(
        number="息预售字(2026)第0900号", properties=[property_input(), property_input(usage="COMMERCIAL")]
    )
    assert payload["userErrors"] == [], payload
    permit = payload["permit"]
    life.units = [e["node"] for e in permit["properties"]["edges"]]
    return permit


def gid(registration: Registration) -> str:
    return to_global_id("Registration", registration.id)


async def _node(life, registration_id: str, bearer: str | None = None) -> dict:
    data = await life.client.data(REGISTRATION, {"id": registration_id}, bearer=bearer or life.actors.registrar)
    return data["node"]


async def _first(life, unit) -> Registration:
    return await Registration.get(kind="FIRST_OWNERSHIP", property__unit_code=unit["unitCode"])


async def _applied(life, permit) -> None:
    await life.accept_completion(permit["id"])
    applied = await life.first_registration(permit["id"], fees=False)
    assert applied["userErrors"] == [], applied


async def test_each_registration_carries_its_fee_from_the_schedule(life, permit):
    """Hand-worked: a residential first registration 80 CNY, a non-residential one 550; an advance notice 0."""
    home, shop = life.units
    _, notice = await life.filed_contract(home["id"])
    await _applied(life, permit)
    assert await _node(life, gid(await _first(life, home))) == {
        "kind": "FIRST_OWNERSHIP",
        "status": "SUBMITTED",
        "rightStatus": "PENDING",
        "fee": "80.00",
        "feeOutstanding": "80.00",
        "feePayments": [],
    }
    assert (await _node(life, gid(await _first(life, shop))))["fee"] == "550.00"
    assert (await _node(life, notice["id"]))["fee"] == "0.00"
    # Not first-registered until the developer's fee is paid.
    assert await Property.filter(first_registered_at__isnull=False).count() == 0
    assert await Event.filter(type="REGISTRATION_COMPLETED").count() == 0


async def test_the_payment_completes_the_registration(life, permit):
    home, _ = life.units
    await _applied(life, permit)
    first = gid(await _first(life, home))
    paid = await life.pay_fee(first, "80.00", voucher="登记费-0001")
    assert paid["userErrors"] == []
    assert paid["feePayment"]["amount"] == "80.00" and paid["feePayment"]["voucherNumber"] == "登记费-0001"
    registration = paid["registration"]
    assert (registration["status"], registration["rightStatus"], registration["feeOutstanding"]) == (
        "COMPLETED",
        "IN_FORCE",
        "0.00",
    )
    assert [p["amount"] for p in registration["feePayments"]] == ["80.00"]
    prop = await Property.get(unit_code=home["unitCode"])
    assert prop.status == "REGISTERED" and prop.first_registered_at is not None
    events = [e.type for e in await Event.filter(seq__gt=0).order_by("seq")]
    assert events[-2:] == ["FEE_PAID", "REGISTRATION_COMPLETED"]


async def test_the_sale_completes_step_by_step_as_each_fee_is_paid(life, permit):
    """Developer's first registration, the buyer's transfer, the bank's mortgage: each waits for its fee."""
    home, _ = life.units
    contract, _ = await life.pre_registered(home["id"])
    await life.mortgaged(contract["id"], [life.actors.zhang])
    await life.pay_all(contract["id"], fees=False)
    await _applied(life, permit)
    assert await Registration.filter(kind="TRANSFER").count() == 0

    assert (await life.pay_fee(gid(await _first(life, home)), "80.00"))["userErrors"] == []
    transfer = await Registration.get(kind="TRANSFER")
    assert (transfer.status, transfer.fee) == ("SUBMITTED", Decimal("80.00"))
    owners = await life.client.data(OWNERS, {"u": home["unitCode"]}, bearer=life.actors.registrar)
    assert owners["property"]["owners"] == [{"name": "息县新园置业有限公司"}]

    paid = await life.pay_fee(gid(transfer), "80.00")
    assert paid["registration"]["status"] == "COMPLETED"
    owners = await life.client.data(OWNERS, {"u": home["unitCode"]}, bearer=life.actors.registrar)
    assert owners["property"]["owners"] == [{"name": "张三"}]
    converted = await Registration.get(kind="MORTGAGE")
    assert (converted.status, converted.fee) == ("SUBMITTED", Decimal("80.00"))
    assert (await Mortgage.get()).status == "ADVANCE_REGISTERED"

    # The lender records its own mortgage's fee.
    by_bank = await life.pay_fee(gid(converted), "80.00", bearer=life.actors.bank)
    assert by_bank["userErrors"] == [] and by_bank["registration"]["status"] == "COMPLETED"
    assert (await Mortgage.get()).status == "REGISTERED"
    advance = await Registration.get(kind="ADVANCE_MORTGAGE")
    assert advance.right_status == "HISTORIC"
    assert await FeePayment.filter(recorded_by__id_number=ids.BANK).count() == 1


async def test_the_amount_is_what_is_due(life, permit):
    home, shop = life.units
    await _applied(life, permit)
    first = gid(await _first(life, home))
    for amount in ("79.99", "80.01", "550.00", "0.00", "-5.00", "1.001"):
        assert error_fields(await life.pay_fee(first, amount)) == [("INVALID_INPUT", ["input", "amount"])], amount
    assert await FeePayment.all().count() == 0
    assert (await _first(life, home)).status == "SUBMITTED"
    assert (await life.pay_fee(first, "80.00"))["userErrors"] == []
    assert (await life.pay_fee(gid(await _first(life, shop)), "550.00"))["userErrors"] == []
    assert await FeePayment.all().count() == 2


async def test_a_voucher_is_recorded_once(life, permit):
    home, shop = life.units
    await _applied(life, permit)
    assert (await life.pay_fee(gid(await _first(life, home)), "80.00", voucher="V-1"))["userErrors"] == []
    again = await life.pay_fee(gid(await _first(life, shop)), "550.00", voucher="V-1")
    assert error_fields(again) == [("DUPLICATE", ["input", "voucherNumber"])]
    assert error_fields(await life.pay_fee(gid(await _first(life, shop)), "550.00", voucher=" ")) == [
        ("INVALID_INPUT", ["input", "voucherNumber"])
    ]
    assert (await _first(life, shop)).status == "SUBMITTED"
    assert await FeePayment.all().count() == 1


async def test_a_completed_or_free_registration_takes_no_fee(life, permit):
    home, _ = life.units
    _, notice = await life.filed_contract(home["id"])
    # The advance notice (free) while it waits for its signatures.
    assert error_fields(await life.pay_fee(notice["id"], "1.00")) == [("INVALID_STATE", ["input", "registrationId"])]
    await _applied(life, permit)
    first = gid(await _first(life, home))
    assert (await life.pay_fee(first, "80.00"))["userErrors"] == []
    assert error_fields(await life.pay_fee(first, "1.00")) == [("INVALID_STATE", ["input", "registrationId"])]


async def test_a_missing_registration_is_not_found(life, permit):
    missing = to_global_id("Registration", 999_999)
    assert error_fields(await life.pay_fee(missing, "80.00")) == [("NOT_FOUND", ["input", "registrationId"])]
    assert error_fields(await life.pay_fee(to_global_id("TaxRecord", 1), "80.00")) == [
        ("INVALID_INPUT", ["input", "registrationId"])
    ]


@pytest.mark.parametrize(
    "role, party, amr, code",
    [
        ("DEVELOPER", ids.DEVELOPER, ["ca"], "FORBIDDEN"),
        # A role that never records fees is refused whatever the ID (no existence oracle either way).
        ("DEVELOPER", ids.OTHER_DEVELOPER, ["ca"], "FORBIDDEN"),
        ("TAX", None, [], "FORBIDDEN"),
        ("HOUSING", None, [], "FORBIDDEN"),
        ("BUYER", ids.ZHANG_SAN, ["face"], "FORBIDDEN"),
        ("SUPERVISOR", None, [], "FORBIDDEN"),
        # DESIGN §7: a BANK for a mortgage it applied; a provident fund centre's fees are paid at the window.
        ("PROVIDENT_FUND", ids.PROVIDENT_FUND, ["ca"], "FORBIDDEN"),
        ("BANK", ids.OTHER_BANK, ["ca"], "NOT_FOUND"),
    ],
)
async def test_who_may_not_record_a_first_registration_fee(life, permit, role, party, amr, code):
    home, _ = life.units
    await _applied(life, permit)
    first = gid(await _first(life, home))
    refused = await life.pay_fee(first, "80.00", bearer=token(role, party, amr))
    assert error_codes(refused) == [code]
    assert await FeePayment.all().count() == 0


async def test_a_lender_records_only_the_fee_of_a_mortgage_it_applied(life, permit):
    home, _ = life.units
    contract, _ = await life.pre_registered(home["id"])
    await life.mortgaged(contract["id"], [life.actors.zhang])
    await life.pay_all(contract["id"], fees=False)
    await _applied(life, permit)
    # The supervising bank and lender sees the first registration, but it applied none.
    first = gid(await _first(life, home))
    assert error_codes(await life.pay_fee(first, "80.00", bearer=life.actors.bank)) in (["FORBIDDEN"], ["NOT_FOUND"])
    await life.pay_fees()
    assert await Registration.filter(kind="MORTGAGE", status="COMPLETED").count() == 1
    assert await Registration.filter(kind="TRANSFER", status="COMPLETED").count() == 1


async def test_another_bank_may_not_pay_the_lenders_mortgage_fee(life, permit):
    home, _ = life.units
    contract, _ = await life.pre_registered(home["id"])
    await life.mortgaged(contract["id"], [life.actors.zhang])
    await life.pay_all(contract["id"], fees=False)
    await _applied(life, permit)
    await life.pay_fee(gid(await _first(life, home)), "80.00")
    await life.pay_fee(gid(await Registration.get(kind="TRANSFER")), "80.00")
    converted = gid(await Registration.get(kind="MORTGAGE"))
    assert error_codes(await life.pay_fee(converted, "80.00", bearer=life.actors.other_bank)) == ["NOT_FOUND"]
    assert (await Registration.get(kind="MORTGAGE")).status == "SUBMITTED"


async def test_a_first_registration_withdrawn_while_it_waits_for_its_fee_is_applied_for_again(life, permit):
    home, _ = life.units
    await _applied(life, permit)
    withdrawn = await life.call(
        """mutation($input: WithdrawRegistrationInput!) { withdrawRegistration(input: $input) {
             registration { status } userErrors { code field message } } }""",
        "withdrawRegistration",
        {"registrationId": gid(await _first(life, home)), "reason": "申请人撤回"},
        life.actors.developer,
    )
    assert withdrawn["userErrors"] == [] and withdrawn["registration"]["status"] == "WITHDRAWN"
    await _applied(life, permit)
    firsts = await Registration.filter(kind="FIRST_OWNERSHIP", property__unit_code=home["unitCode"]).order_by("id")
    assert [r.status for r in firsts] == ["WITHDRAWN", "SUBMITTED"]
    assert (await life.pay_fee(gid(firsts[1]), "80.00"))["registration"]["status"] == "COMPLETED"
