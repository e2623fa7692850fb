"""Two banks registering mortgages of one home at the same moment, through two API processes on
PostgreSQL: the priorities are 1 and 2, in the order the registrations committed (DESIGN §7)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from domain.models import Event, Registration
from resolvers.ids import from_global_id
from tests.changes import Changes
from tests.mutations.test_apply_mortgage_registration import apply, approve
from tests.support import GraphQLClient

HOMES = 6


@pytest.mark.postgres
async def test_concurrent_mortgage_registrations_rank_in_commit_order(server, second_server, server_gql, db):
    life = await Changes(server_gql).setup()
    permit, units = await life.permit_with_units(units=HOMES)
    for unit in units:
        contract, _ = await life.pre_registered(unit["id"])
        await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    assert len((await life.first_registration(permit["id"]))["transfers"]) == HOMES
    me = await server_gql.data(
        "query($u: String!) { property(unitCode: $u) { owners { id } } }",
        {"u": units[0]["unitCode"]},
        bearer=life.actors.zhang,
    )
    zhang = me["property"]["owners"][0]["id"]
    loans = []
    for unit in units:
        pair = []
        for bearer in (life.actors.bank, life.actors.other_bank):
            approved = await approve(life, {"propertyId": unit["id"], "borrowers": [zhang]}, bearer)
            assert approved["userErrors"] == [], approved
            assert (await life.sign_mortgage(approved["mortgage"]["id"], life.actors.zhang))["userErrors"] == []
            pair.append((approved["mortgage"]["id"], bearer))
        loans.append(pair)

    async with httpx.AsyncClient(base_url=second_server.url, timeout=30) as http:
        other = Changes(GraphQLClient(http), life.actors)
        results = await asyncio.gather(
            *(
                apply(client, mortgage_id, bearer)
                for pair in loans
                for client, (mortgage_id, bearer) in zip((life, other), pair, strict=True)
            )
        )
    assert all(r["userErrors"] == [] for r in results), results

    for unit in units:
        property_id = from_global_id(unit["id"])[1]
        rights = await Registration.filter(property_id=property_id, kind="MORTGAGE", right_status="IN_FORCE")
        committed = {r.id: (await Event.get(registration_id=r.id, type="REGISTRATION_COMPLETED")).seq for r in rights}
        data = await server_gql.data(
            "query($u: String!) { property(unitCode: $u) { registrations(inForce: true) "
            "{ edges { node { id kind priority } } } } }",
            {"u": unit["unitCode"]},
            bearer=life.actors.registrar,
        )
        ranked = {
            from_global_id(e["node"]["id"])[1]: e["node"]["priority"]
            for e in data["property"]["registrations"]["edges"]
            if e["node"]["kind"] == "MORTGAGE"
        }
        in_commit_order = sorted(committed, key=committed.__getitem__)
        assert [ranked[r] for r in in_commit_order] == [1, 2]
