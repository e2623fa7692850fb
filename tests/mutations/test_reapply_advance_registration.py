"""reapplyAdvanceRegistration: after a rejected or withdrawn advance notice, the seller or a
buyer generates a new application for the same filed contract."""

from __future__ import annotations

import pytest

from domain.models import Registration
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def rejected(life):
    _, units = await life.permit_with_units(units=1)
    contract, registration = await life.filed_contract(units[0]["id"])
    await life.submit(registration["id"], life.actors.zhang, accept=False)
    assert (await life.decide(registration["id"], False, reason="不接受交房即交证"))["registration"][
        "status"
    ] == "REJECTED"
    life.old = registration
    return contract


@pytest.mark.parametrize("who", ["zhang", "developer"])
async def test_a_new_application_for_the_same_contract(life, rejected, who):
    payload = await life.reapply(rejected["id"], getattr(life.actors, who))
    assert payload["userErrors"] == []
    fresh = payload["registration"]
    assert (fresh["kind"], fresh["status"], fresh["rightStatus"]) == ("ADVANCE_NOTICE", "AWAITING_SIGNATURE", "PENDING")
    assert fresh["id"] != life.old["id"]
    assert fresh["applicationForm"] == life.old["applicationForm"]
    assert [a["name"] for a in fresh["applicants"]] == ["张三"]
    done = (await life.submit(fresh["id"], life.actors.zhang))["registration"]
    assert done["status"] == "COMPLETED"
    current = await life.client.data(
        "query($id: ID!) { node(id: $id) { ... on Contract { advanceRegistration { id status } } } }",
        {"id": rejected["id"]},
        bearer=life.actors.zhang,
    )
    assert current["node"]["advanceRegistration"] == {"id": fresh["id"], "status": "COMPLETED"}


async def test_after_a_withdrawal_too(life):
    _, units = await life.permit_with_units(units=1)
    contract, registration = await life.filed_contract(units[0]["id"])
    await life.withdraw(registration["id"], life.actors.zhang)
    assert (await life.reapply(contract["id"], life.actors.zhang))["userErrors"] == []


async def test_not_while_an_application_is_pending_or_in_force(life, rejected):
    await life.reapply(rejected["id"], life.actors.zhang)
    assert error_codes(await life.reapply(rejected["id"], life.actors.zhang)) == ["INVALID_STATE"]
    assert await Registration.filter(kind="ADVANCE_NOTICE").count() == 2


async def test_not_for_a_contract_that_is_not_filed(life, rejected):
    await life.cancel(rejected["id"])
    assert error_codes(await life.reapply(rejected["id"], life.actors.zhang)) == ["INVALID_STATE"]


async def test_a_viewer_who_may_not_see_the_contract_finds_nothing(life, rejected):
    assert error_codes(await life.reapply(rejected["id"], life.actors.wang)) == ["NOT_FOUND"]
    assert error_codes(await life.reapply(rejected["id"], token("DEVELOPER", ids.OTHER_DEVELOPER, ["ca"]))) == [
        "NOT_FOUND"
    ]


@pytest.mark.parametrize("role, party", [("REGISTRAR", None), ("HOUSING", None), ("TAX", None), ("BANK", ids.BANK)])
async def test_only_the_seller_or_a_buyer_reapplies(life, rejected, role, party):
    assert error_codes(await life.reapply(rejected["id"], token(role, party, ["ca", "face"]))) == ["FORBIDDEN"]
