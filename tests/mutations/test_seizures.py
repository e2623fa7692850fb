"""registerSeizure and releaseSeizure: the registrar records a court's 查封 at once; it blocks until released."""

from __future__ import annotations

import pytest

from domain.models import Registration
from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.story import Life
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


@pytest.fixture
async def units(life):
    _, units = await life.permit_with_units(units=2)
    return units


async def test_a_seizure_is_in_force_at_once(life, units):
    seized = await life.seize(units[0]["id"], until="2099-06-30")
    registration = seized["registration"]
    assert (registration["kind"], registration["status"], registration["rightStatus"]) == (
        "SEIZURE",
        "COMPLETED",
        "IN_FORCE",
    )
    stored = await Registration.get(kind="SEIZURE")
    assert stored.decided_by == "REGISTRAR" and str(stored.effective_until) == "2099-06-30"


@pytest.mark.parametrize(
    "role, party", [("HOUSING", None), ("TAX", None), ("BANK", ids.BANK), ("DEVELOPER", ids.DEVELOPER)]
)
async def test_only_the_registrar_seizes_and_releases(life, units, role, party):
    bearer = token(role, party, ["ca"])
    assert error_codes(await life.seize(units[0]["id"], bearer=bearer)) == ["FORBIDDEN"]
    seizure = (await life.seize(units[0]["id"]))["registration"]
    assert error_codes(await life.release(seizure["id"], bearer=bearer)) == ["FORBIDDEN"]


async def test_a_seizure_must_not_end_in_the_past(life, units):
    assert error_fields(await life.seize(units[0]["id"], until="2020-01-01")) == [("INVALID_INPUT", ["input", "until"])]


async def test_a_released_seizure_is_historic_and_not_released_twice(life, units):
    seizure = (await life.seize(units[0]["id"]))["registration"]
    released = (await life.release(seizure["id"]))["registration"]
    assert released["kind"] == "SEIZURE_RELEASE"
    assert (await Registration.get(kind="SEIZURE")).right_status == "HISTORIC"
    assert error_codes(await life.release(seizure["id"])) == ["INVALID_STATE"]


async def test_a_seizure_blocks_filing_advance_notice_mortgage_and_cancellation(life, units):
    funded = await life.funded_contract(units[0]["id"])
    seizure = (await life.seize(units[0]["id"]))["registration"]
    assert error_codes(await life.file(funded["id"])) == ["ENCUMBERED"]
    await life.release(seizure["id"])
    contract, registration = await life.filed_contract(units[1]["id"])
    second = (await life.seize(units[1]["id"]))["registration"]
    assert error_codes(await life.submit(registration["id"], life.actors.zhang)) == ["ENCUMBERED"]
    assert error_codes(await life.cancel(contract["id"])) == ["ENCUMBERED"]
    await life.release(second["id"])
    assert (await life.submit(registration["id"], life.actors.zhang))["registration"]["status"] == "COMPLETED"


async def test_a_release_is_a_record_not_a_right_in_force(life, units):
    """`registrations(inForce: true)` lists the rights on the register: neither the released
    seizure nor the release that ended it."""
    seizure = (await life.seize(units[0]["id"]))["registration"]
    await life.release(seizure["id"])
    query = (
        "query($id: ID!, $f: Boolean) { node(id: $id) { ... on Property { "
        "registrations(inForce: $f) { edges { node { kind rightStatus } } } } } }"
    )

    async def kinds(in_force):
        data = await life.client.data(query, {"id": units[0]["id"], "f": in_force}, bearer=life.actors.registrar)
        return sorted(e["node"]["kind"] for e in data["node"]["registrations"]["edges"])

    assert await kinds(True) == []
    assert await kinds(False) == ["SEIZURE", "SEIZURE_RELEASE"]
    assert await kinds(None) == ["SEIZURE", "SEIZURE_RELEASE"]
