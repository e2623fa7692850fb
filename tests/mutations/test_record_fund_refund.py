"""recordFundRefund: after the withdrawn sale is cancelled, the supervising bank pays the
supervised deposits back, never more than is due, each bank reference once."""

from __future__ import annotations

import pytest

from domain.models import Event
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def withdrawn(life):
    """Pre-registered, the advance notice cancelled by buyer and seller, the contract cancelled."""
    _, units = await life.permit_with_units(units=1)
    life.unit = units[0]
    contract, notice = await life.pre_registered(units[0]["id"])
    await life.cancel_notice_together(notice["id"], [life.actors.zhang])
    cancelled = await life.cancel(contract["id"])
    assert cancelled["userErrors"] == [], cancelled
    assert cancelled["contract"]["property"]["status"] == "AVAILABLE"
    return contract


async def test_the_supervised_deposit_is_due_and_refunded_in_parts(life, withdrawn):
    first = await life.refund(withdrawn["id"], "100000.00", "RF-001")
    assert first["userErrors"] == []
    assert (first["refund"]["amount"], first["refund"]["bankReference"]) == ("100000.00", "RF-001")
    assert (first["contract"]["refundDue"], first["contract"]["refunds"]) == ("200000.00", [{"amount": "100000.00"}])
    rest = await life.refund(withdrawn["id"], "200000.00", "RF-002")
    assert rest["contract"]["refundDue"] == "0.00"
    assert [e.payload["amount"] for e in await Event.filter(type="FUNDS_REFUNDED").order_by("seq")] == [
        "100000.00",
        "200000.00",
    ]
    assert error_codes(await life.refund(withdrawn["id"], "1.00", "RF-003")) == ["INVALID_STATE"]


async def test_no_more_than_is_due(life, withdrawn):
    assert error_fields(await life.refund(withdrawn["id"], "300000.01", "RF-001")) == [
        ("INVALID_INPUT", ["input", "amount"])
    ]
    assert error_fields(await life.refund(withdrawn["id"], "-5", "RF-001")) == [("INVALID_INPUT", ["input", "amount"])]


async def test_a_bank_reference_is_recorded_once(life, withdrawn):
    await life.refund(withdrawn["id"], "1000.00", "RF-001")
    assert error_fields(await life.refund(withdrawn["id"], "1000.00", "RF-001")) == [
        ("DUPLICATE", ["input", "bankReference"])
    ]
    assert await Event.filter(type="FUNDS_REFUNDED").count() == 1


async def test_nothing_is_due_while_the_sale_stands(life):
    _, units = await life.permit_with_units(units=1)
    contract, _ = await life.filed_contract(units[0]["id"])
    state = await life.client.data(
        "query($id: ID!) { node(id: $id) { ... on Contract { refundDue } } }",
        {"id": contract["id"]},
        bearer=life.actors.bank,
    )
    assert state["node"]["refundDue"] == "0.00"
    assert error_codes(await life.refund(contract["id"], "1000.00", "RF-001")) == ["INVALID_STATE"]


@pytest.mark.parametrize(
    "role, party", [("HOUSING", None), ("REGISTRAR", None), ("BUYER", ids.ZHANG_SAN), ("DEVELOPER", ids.DEVELOPER)]
)
async def test_only_the_supervising_bank_refunds(life, withdrawn, role, party):
    assert error_codes(
        await life.refund(withdrawn["id"], "1000.00", "RF-001", bearer=token(role, party, ["ca", "face"]))
    ) == ["FORBIDDEN"]


async def test_another_bank_finds_no_such_contract(life, withdrawn):
    assert error_codes(
        await life.refund(withdrawn["id"], "1000.00", "RF-001", bearer=token("BANK", ids.OTHER_BANK, ["ca"]))
    ) == ["NOT_FOUND"]


async def test_the_home_is_sold_again_after_the_withdrawal(life, withdrawn):
    contract, notice = await life.pre_registered(life.unit["id"], buyer_tokens={ids.LI_SI: life.actors.li})
    assert (contract["status"], notice["status"], notice["property"]["status"]) == (
        "FILED",
        "COMPLETED",
        "PRE_REGISTERED",
    )
