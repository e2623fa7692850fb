"""A registered home is resold once: concurrent filings of several signed resales of one home,
against two server processes on PostgreSQL, leave exactly one filed (the property lock and the
unique filed slot, as for a new home)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from domain.models import Contract
from resolvers.ids import from_global_id
from tests import ids
from tests.resale import Resale
from tests.support import GraphQLClient, token

CONTENDERS = 8
FILE = "mutation($id: ID!) { fileContract(input: {contractId: $id}) { contract { number } userErrors { code } } }"


@pytest.mark.postgres
async def test_exactly_one_of_concurrent_resale_filings_wins(server, second_server, server_gql, db):
    life = await Resale(server_gql).setup()
    unit, _, _ = await life.registered_home()
    contracts = []
    for n in range(CONTENDERS):
        number = ids.resident_id("413021", f"1980{1 + n % 12:02d}15", f"{n + 500:03d}")
        bearer = token("BUYER", number, ["face"])
        drafted = await life.draft_resale(
            unit["id"], life.actors.zhang, buyers=[{"idNumber": number, "name": f"买受人{n}"}]
        )
        assert drafted["userErrors"] == [], drafted
        for signer in (life.actors.zhang, bearer):
            assert (await life.sign_resale(drafted["contract"], signer))["userErrors"] == []
        contracts.append(drafted["contract"])

    async with (
        httpx.AsyncClient(base_url=server.url, timeout=60) as one,
        httpx.AsyncClient(base_url=second_server.url, timeout=60) as two,
    ):
        clients = [GraphQLClient(one), GraphQLClient(two)]
        results = await asyncio.gather(
            *(clients[i % 2].data(FILE, {"id": c["id"]}, bearer=life.actors.housing) for i, c in enumerate(contracts))
        )
    payloads = [r["fileContract"] for r in results]
    assert len([p for p in payloads if not p["userErrors"]]) == 1
    assert sorted(p["userErrors"][0]["code"] for p in payloads if p["userErrors"]) == ["ALREADY_SOLD"] * (
        CONTENDERS - 1
    )
    property_id = from_global_id(unit["id"])[1]
    assert await Contract.filter(property_id=property_id, filed_property_id=property_id).count() == 1
