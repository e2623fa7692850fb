"""Issue 11, item 7, over a real server: an ID number delivered in a subscribed event is recorded
(or masked), as one read through a query is."""

from __future__ import annotations

from tests import ids
from tests.story import Life
from tests.support import token
from tests.ws import Subscription

FILED = "subscription { contractFiled { cursor payload } }"
LOG = "query($v: String) { accessLog(viewerParty: $v) { edges { node { viewerRole personIdNumber what } } } }"


async def test_a_subscribed_lender_receiving_a_buyers_id_number_is_recorded(server, server_gql):
    life = await Life(server_gql).setup()
    _, units = await life.permit_with_units(units=1)
    async with (
        Subscription(server.url, life.actors.bank, FILED) as bank,
        Subscription(server.url, life.actors.other_developer, FILED) as stranger,
    ):
        await life.filed_contract(units[0]["id"])
        [event] = await bank.wait_for(1)
        assert event["payload"]["buyers"] == [ids.ZHANG_SAN]
        assert stranger.received == []
    data = await server_gql.data(LOG, {"v": ids.BANK}, bearer=token("SUPERVISOR"))
    assert {"viewerRole": "BANK", "personIdNumber": ids.ZHANG_SAN, "what": "Event.payload"} in [
        e["node"] for e in data["accessLog"]["edges"]
    ]
