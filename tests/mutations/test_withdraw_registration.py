"""withdrawRegistration: an applicant ends its application before the decision; terminal after."""

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
async def application(life):
    _, units = await life.permit_with_units(units=1)
    life.contract, registration = await life.filed_contract(units[0]["id"])
    return registration


async def test_an_applicant_withdraws_an_application_awaiting_signature(life, application):
    payload = await life.withdraw(application["id"], life.actors.zhang, reason="资料有误,重新申请")
    assert payload["userErrors"] == []
    assert payload["registration"]["status"] == "WITHDRAWN"
    [event] = await Event.filter(type="REGISTRATION_WITHDRAWN")
    assert event.payload["reason"] == "资料有误,重新申请"
    assert error_codes(await life.submit(application["id"], life.actors.zhang)) == ["INVALID_STATE"]
    assert error_codes(await life.withdraw(application["id"], life.actors.zhang)) == ["INVALID_STATE"]


async def test_an_application_in_review_is_withdrawn_too(life, application):
    await life.submit(application["id"], life.actors.zhang, accept=False)
    assert (await life.withdraw(application["id"], life.actors.zhang))["registration"]["status"] == "WITHDRAWN"
    assert error_codes(await life.decide(application["id"], True)) == ["INVALID_STATE"]


async def test_a_decided_application_is_not_withdrawn(life, application):
    await life.submit(application["id"], life.actors.zhang)
    assert error_codes(await life.withdraw(application["id"], life.actors.zhang)) == ["INVALID_STATE"]


async def test_a_reason_is_required(life, application):
    assert error_fields(await life.withdraw(application["id"], life.actors.zhang, reason=" ")) == [
        ("INVALID_INPUT", ["input", "reason"])
    ]


async def test_the_applicant_proves_who_it_is(life, application):
    assert error_codes(await life.withdraw(application["id"], token("BUYER", ids.ZHANG_SAN, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]


@pytest.mark.parametrize(
    "role, party", [("DEVELOPER", ids.DEVELOPER), ("REGISTRAR", None), ("HOUSING", None), ("BANK", ids.BANK)]
)
async def test_only_an_applicant_withdraws(life, application, role, party):
    # The seller sees the advance notice application but is not its applicant.
    assert error_codes(await life.withdraw(application["id"], token(role, party, ["ca", "face"]))) == ["FORBIDDEN"]


async def test_another_buyer_finds_nothing(life, application):
    assert error_codes(await life.withdraw(application["id"], life.actors.wang)) == ["NOT_FOUND"]
