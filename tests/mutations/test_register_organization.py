"""registerOrganization: given a role and input, when registering, then a party and its event."""

from __future__ import annotations

import pytest

from domain import eventlog
from domain.models import Event, Party, SharedOrganizationRecord
from tests import ids
from tests.support import token

REGISTER = """
mutation($name: String!, $idNumber: String!) {
  registerOrganization(input: {name: $name, idNumber: $idNumber}) {
    party { kind name idNumber }
    userErrors { code field message }
  }
}"""


@pytest.mark.parametrize("role", ["REGISTRAR", "HOUSING"])
async def test_registrar_or_housing_registers_an_organization(gql, role):
    data = await gql.data(REGISTER, {"name": " Xixian Rural Bank ", "idNumber": ids.BANK.lower()}, bearer=token(role))
    payload = data["registerOrganization"]
    assert payload == {
        "party": {"kind": "ORGANIZATION", "name": "Xixian Rural Bank", "idNumber": ids.BANK},
        "userErrors": [],
    }
    event = await Event.get(seq=1)
    assert event.type == "ORGANIZATION_REGISTERED" and event.payload["idNumber"] == ids.BANK
    assert (await eventlog.verify_chain()).ok


@pytest.mark.parametrize(
    "role, party",
    [("TAX", None), ("BANK", ids.BANK), ("DEVELOPER", ids.DEVELOPER), ("BUYER", ids.ZHANG_SAN), ("SUPERVISOR", None)],
)
async def test_other_roles_are_forbidden_and_nothing_is_stored(gql, role, party):
    data = await gql.data(REGISTER, {"name": "X", "idNumber": ids.BANK}, bearer=token(role, party))
    assert data["registerOrganization"]["party"] is None
    assert [e["code"] for e in data["registerOrganization"]["userErrors"]] == ["FORBIDDEN"]
    assert await Party.all().count() == 0 and await Event.all().count() == 0


async def test_an_invalid_credit_code_names_the_field(gql):
    data = await gql.data(REGISTER, {"name": "X", "idNumber": ids.BANK[:-1] + "0"}, bearer=token("REGISTRAR"))
    [error] = data["registerOrganization"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "idNumber"])


async def test_an_empty_name_names_the_field(gql):
    data = await gql.data(REGISTER, {"name": "  ", "idNumber": ids.BANK}, bearer=token("REGISTRAR"))
    [error] = data["registerOrganization"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "name"])


async def test_a_second_registration_is_a_duplicate_and_keeps_the_first(gql):
    await gql.data(REGISTER, {"name": "First", "idNumber": ids.BANK}, bearer=token("REGISTRAR"))
    data = await gql.data(REGISTER, {"name": "Second", "idNumber": ids.BANK}, bearer=token("HOUSING"))
    [error] = data["registerOrganization"]["userErrors"]
    assert (error["code"], error["field"]) == ("DUPLICATE", ["input", "idNumber"])
    assert [p.name for p in await Party.all()] == ["First"]
    assert await Event.all().count() == 1


async def test_a_revoked_licence_is_refused(gql):
    await SharedOrganizationRecord.create(id_number=ids.DEVELOPER, name="Gone Ltd", licence_status="REVOKED")
    data = await gql.data(REGISTER, {"name": "Gone Ltd", "idNumber": ids.DEVELOPER}, bearer=token("REGISTRAR"))
    assert [e["code"] for e in data["registerOrganization"]["userErrors"]] == ["INVALID_STATE"]
    assert await Party.all().count() == 0
