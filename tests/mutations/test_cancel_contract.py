"""cancelContract: HOUSING cancels with a reason; refused while an advance right stands; the home is sold again."""

from __future__ import annotations

import pytest

from domain.models import Event
from tests import ids
from tests.mutations.conftest import error_codes
from tests.seizures import seize
from tests.support import token


async def test_cancelling_a_filed_contract_frees_the_home_for_another_buyer(sale, unit):
    contract, registration = await sale.filed_contract(unit["id"])
    payload = await sale.cancel(contract["id"])
    assert payload["userErrors"] == []
    assert payload["contract"]["status"] == "CANCELLED" and payload["contract"]["cancelledAt"]
    assert payload["contract"]["property"]["status"] == "AVAILABLE"
    # The generated application ended with the contract.
    ended = await sale.submit(registration["id"], sale.actors.zhang)
    assert error_codes(ended) == ["INVALID_STATE"]
    resold, _ = await sale.filed_contract(unit["id"], buyer_tokens={ids.LI_SI: sale.actors.li})
    assert resold["status"] == "FILED"
    assert await Event.filter(type="CONTRACT_CANCELLED").count() == 1


async def test_refused_while_the_advance_notice_is_in_force(sale, unit):
    contract, registration = await sale.filed_contract(unit["id"])
    await sale.submit(registration["id"], sale.actors.zhang)
    payload = await sale.cancel(contract["id"])
    assert error_codes(payload) == ["ENCUMBERED"]
    status = await sale.client.data("{ contracts { edges { node { status } } } }", bearer=sale.actors.housing)
    assert status["contracts"]["edges"][0]["node"]["status"] == "FILED"


async def test_refused_while_the_property_is_seized(sale, unit):
    contract, _ = await sale.filed_contract(unit["id"])
    await seize(unit["id"])
    assert error_codes(await sale.cancel(contract["id"])) == ["ENCUMBERED"]


async def test_a_reason_is_required(sale, unit):
    contract, _ = await sale.filed_contract(unit["id"])
    payload = await sale.cancel(contract["id"], reason="  ")
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", ["input", "reason"])]


@pytest.mark.parametrize(
    "role, party", [("DEVELOPER", ids.DEVELOPER), ("REGISTRAR", None), ("BUYER", ids.ZHANG_SAN), ("BANK", ids.BANK)]
)
async def test_only_housing_cancels(sale, unit, role, party):
    contract, _ = await sale.filed_contract(unit["id"])
    assert error_codes(await sale.cancel(contract["id"], bearer=token(role, party, ["ca", "face"]))) == ["FORBIDDEN"]


async def test_a_cancelled_contract_is_terminal(sale, unit):
    contract, _ = await sale.filed_contract(unit["id"])
    await sale.cancel(contract["id"])
    assert error_codes(await sale.cancel(contract["id"])) == ["INVALID_STATE"]
    assert error_codes(await sale.file(contract["id"])) == ["INVALID_STATE"]
    assert error_codes(await sale.sign(contract["id"], contract["documentHash"], sale.actors.zhang)) == [
        "INVALID_STATE"
    ]
