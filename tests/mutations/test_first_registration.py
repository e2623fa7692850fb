"""recordCompletionAcceptance and applyFirstRegistration: 首次登记 + 首次转移登记 in one application,
with the conversion of advance notice and advance mortgage, in both orders."""

from __future__ import annotations

import re

import pytest

from domain.models import Certificate, Event, Property, Registration
from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.story import Life
from tests.support import token

OWNERSHIP_NUMBER = r"豫\(\d{4}\)息县不动产权第\d{7}号"


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


@pytest.fixture
async def permit(life):
    permit, units = await life.permit_with_units(units=3)
    life.units = units
    return permit


async def _state(life, unit):
    data = await life.client.data(
        '{ property(unitCode: "%s") { status owners { name } registrations(inForce: true) { edges { node { kind } } } '
        "mortgages { edges { node { status } } } } }" % unit["unitCode"],
        bearer=life.actors.registrar,
    )
    prop = data["property"]
    return (
        prop["status"],
        [o["name"] for o in prop["owners"]],
        sorted(e["node"]["kind"] for e in prop["registrations"]["edges"]),
        [e["node"]["status"] for e in prop["mortgages"]["edges"]],
    )


async def test_completion_acceptance_is_recorded_once_by_housing(life, permit):
    assert error_codes(await life.accept_completion(permit["id"], bearer=life.actors.registrar)) == ["FORBIDDEN"]
    assert error_fields(await life.accept_completion(permit["id"], number=" ")) == [
        ("INVALID_INPUT", ["input", "acceptanceNumber"])
    ]
    accepted = await life.accept_completion(permit["id"])
    assert (
        accepted["permit"]["completionAcceptanceNumber"] == "息竣备2027-001"
        and accepted["permit"]["completionAcceptedAt"]
    )
    assert error_codes(await life.accept_completion(permit["id"])) == ["INVALID_STATE"]
    assert await Event.filter(type="COMPLETION_ACCEPTED").count() == 1


async def test_first_registration_waits_for_completion(life, permit):
    assert error_fields(await life.first_registration(permit["id"])) == [("NOT_COMPLETED", ["input", "permitId"])]
    assert await Registration.filter(kind="FIRST_OWNERSHIP").count() == 0


@pytest.mark.parametrize(
    "role, party, code",
    [
        ("DEVELOPER", ids.OTHER_DEVELOPER, "NOT_FOUND"),
        ("HOUSING", None, "FORBIDDEN"),
        ("BANK", ids.BANK, "FORBIDDEN"),
        ("BUYER", ids.ZHANG_SAN, "FORBIDDEN"),
    ],
)
async def test_only_the_developer_or_the_registrar_applies(life, permit, role, party, code):
    await life.accept_completion(permit["id"])
    assert error_codes(await life.first_registration(permit["id"], bearer=token(role, party, ["ca"]))) == [code]


async def test_paid_homes_transfer_at_once_and_unpaid_ones_when_the_last_payment_arrives(life, permit):
    paid_unit, unpaid_unit, unsold_unit = life.units
    paid, _ = await life.pre_registered(paid_unit["id"])
    await life.mortgaged(paid["id"], [life.actors.zhang])
    await life.pay_all(paid["id"])
    unpaid, _ = await life.pre_registered(unpaid_unit["id"], buyer_tokens={ids.LI_SI: life.actors.li})
    await life.accept_completion(permit["id"])

    applied = await life.first_registration(permit["id"])
    assert applied["userErrors"] == []
    assert len(applied["registrations"]) == 3 and {r["kind"] for r in applied["registrations"]} == {"FIRST_OWNERSHIP"}
    [transfer] = applied["transfers"]
    assert transfer["property"]["unitCode"] == paid_unit["unitCode"]
    assert transfer["convertedFrom"] == {"kind": "ADVANCE_NOTICE", "rightStatus": "HISTORIC"}
    assert [h["name"] for h in transfer["rightHolders"]] == ["张三"]
    assert (
        re.fullmatch(OWNERSHIP_NUMBER, transfer["certificate"]["number"])
        and transfer["certificate"]["kind"] == "OWNERSHIP_CERTIFICATE"
    )

    assert await _state(life, paid_unit) == ("REGISTERED", ["张三"], ["MORTGAGE", "TRANSFER"], ["REGISTERED"])
    assert await _state(life, unpaid_unit) == (
        "REGISTERED",
        ["息县新园置业有限公司"],
        ["ADVANCE_NOTICE", "FIRST_OWNERSHIP"],
        [],
    )
    assert await _state(life, unsold_unit) == ("REGISTERED", ["息县新园置业有限公司"], ["FIRST_OWNERSHIP"], [])

    # The other order: tax paid after the first registration converts by itself.
    await life.pay_all(unpaid["id"])
    assert await _state(life, unpaid_unit) == ("REGISTERED", ["李四"], ["TRANSFER"], [])
    first = await Registration.get(kind="FIRST_OWNERSHIP", property__unit_code=unpaid_unit["unitCode"])
    assert first.right_status == "HISTORIC"


async def test_applying_twice_does_no_harm(life, permit):
    contract, _ = await life.pre_registered(life.units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    first = await life.first_registration(permit["id"])
    second = await life.first_registration(permit["id"])
    assert second["userErrors"] == []
    assert [r["id"] for r in second["registrations"]] == [r["id"] for r in first["registrations"]]
    assert [r["id"] for r in second["transfers"]] == [r["id"] for r in first["transfers"]]
    assert await Registration.filter(kind="FIRST_OWNERSHIP").count() == 3
    assert await Registration.filter(kind="TRANSFER").count() == 1
    assert await Certificate.filter(kind="OWNERSHIP_CERTIFICATE").count() == 1


async def test_after_the_transfer_a_home_counts_once_by_ownership(life, permit):
    contract, _ = await life.pre_registered(life.units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    await life.first_registration(permit["id"])
    homes = await life.client.data(
        '{ homesOwned(idNumber: "%s", scope: INDIVIDUAL) { count homes { basis } } }' % ids.ZHANG_SAN,
        bearer=life.actors.tax,
    )
    assert homes["homesOwned"] == {"count": 1, "homes": [{"basis": "REGISTERED_OWNERSHIP"}]}


async def test_a_seizure_blocks_the_transfer_until_released(life, permit):
    unit = life.units[0]
    contract, _ = await life.pre_registered(unit["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    seizure = (await life.seize(unit["id"]))["registration"]
    applied = await life.first_registration(permit["id"])
    assert applied["transfers"] == []
    assert (await _state(life, unit))[1] == ["息县新园置业有限公司"]
    released = await life.release(seizure["id"])
    assert released["userErrors"] == []
    # The release applies for the transfer, which waits for its fee (登记费).
    assert (await _state(life, unit))[1] == ["息县新园置业有限公司"]
    [paid] = await life.pay_fees()
    assert paid["registration"]["kind"] == "TRANSFER" and paid["registration"]["status"] == "COMPLETED"
    assert (await _state(life, unit))[:2] == ("REGISTERED", ["张三"])


async def test_the_application_resumes_after_a_chunk_failed(life, permit, monkeypatch):
    """A failure midway leaves whole chunks done; applying again finishes the rest, nothing twice."""
    from domain.services import first_registration

    contract, _ = await life.pre_registered(life.units[2]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    monkeypatch.setattr(first_registration, "CHUNK", 1)
    real = first_registration._register_chunk
    calls = []

    async def fail_on_third(use_case, permit_row, property_ids):
        calls.append(property_ids)
        if len(calls) == 3:
            raise ConnectionError("connection to the database lost")
        await real(use_case, permit_row, property_ids)

    monkeypatch.setattr(first_registration, "_register_chunk", fail_on_third)
    body = await life.client.execute(
        "mutation($id: ID!) { applyFirstRegistration(input: {permitId: $id}) { userErrors { code } } }",
        {"id": permit["id"]},
        bearer=life.actors.developer,
    )
    assert body["errors"]
    assert await Registration.filter(kind="FIRST_OWNERSHIP").count() == 2
    assert await Registration.filter(kind="TRANSFER").count() == 0
    monkeypatch.setattr(first_registration, "_register_chunk", real)
    resumed = await life.first_registration(permit["id"])
    assert len(resumed["registrations"]) == 3 and len(resumed["transfers"]) == 1
    assert await Property.filter(first_registered_at__isnull=True).count() == 0
