"""一房二卖 never happens: 50 concurrent filings of one home against real server processes on PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from domain import eventlog
from domain.models import Contract, Event, Registration
from resolvers.ids import from_global_id
from tests import ids
from tests.story import Sale
from tests.support import GraphQLClient, token

CONTENDERS = 50
ROUNDS = 3
FILE = "mutation($id: ID!) { fileContract(input: {contractId: $id}) { contract { number } userErrors { code } } }"


def _buyer(round_no: int, n: int) -> tuple[str, str]:
    number = ids.resident_id("411528", f"1999{1 + round_no:02d}{1 + n % 28:02d}", f"{n:03d}")
    return number, token("BUYER", number, ["face"])


@pytest.mark.postgres
async def test_exactly_one_of_fifty_concurrent_filings_wins_every_round(server, second_server, server_gql, db):
    sale = await Sale(server_gql).setup()
    _, units = await sale.permit_with_units(units=ROUNDS)
    for round_no, unit in enumerate(units):
        contracts = []
        for n in range(CONTENDERS):
            number, bearer = _buyer(round_no, n)
            contracts.append(
                await sale.funded_contract(
                    unit["id"],
                    buyer_tokens={number: bearer},
                    buyers=[{"idNumber": number, "name": f"买受人{n}"}],
                    reference=f"R{round_no}-{n}",
                )
            )

        async with (
            httpx.AsyncClient(base_url=server.url, timeout=60) as one,
            httpx.AsyncClient(base_url=second_server.url, timeout=60) as two,
        ):
            clients = [GraphQLClient(one), GraphQLClient(two)]
            developer = sale.actors.developer
            results = await asyncio.gather(
                *(clients[i % 2].data(FILE, {"id": c["id"]}, bearer=developer) for i, c in enumerate(contracts))
            )

        payloads = [r["fileContract"] for r in results]
        winners = [p for p in payloads if not p["userErrors"]]
        losers = [p["userErrors"][0]["code"] for p in payloads if p["userErrors"]]
        assert len(winners) == 1, f"round {round_no}: {len(winners)} filings succeeded"
        assert losers == ["ALREADY_SOLD"] * (CONTENDERS - 1)

        property_id = from_global_id(unit["id"])[1]
        assert await Contract.filter(property_id=property_id, status="FILED").count() == 1
        assert await Event.filter(property_id=property_id, type="CONTRACT_FILED").count() == 1
        assert await Registration.filter(property_id=property_id, kind="ADVANCE_NOTICE").count() == 1
        facts = await server_gql.data(
            '{ property(unitCode: "%s") { status activeContract { number } } }' % unit["unitCode"],
            bearer=sale.actors.housing,
        )
        assert facts["property"] == {"status": "SOLD", "activeContract": {"number": winners[0]["contract"]["number"]}}

    report = await eventlog.verify_chain()
    assert report.ok
    # Losing filings gave their contract numbers back: the sequence has no gaps.
    numbers = sorted(await Contract.filter(status="FILED").values_list("number", flat=True))
    assert [n[-7:] for n in numbers] == [f"{i:07d}" for i in range(1, ROUNDS + 1)]
