"""The opening cursor replays the whole log; the empty string is a coded error, never "from now"."""

from __future__ import annotations

import asyncio

from resolvers.ids import OPENING_CURSOR
from tests.story import Life
from tests.support import token
from tests.ws import EVENT_FIELDS, Subscription

EVENTS = "subscription($after: String) { events(after: $after) { %s } }" % EVENT_FIELDS
PAGE = "query($after: String) { events(after: $after, first: 100) { edges { cursor node { type } } } }"


async def test_the_opening_cursor_replays_every_event_and_the_empty_one_is_refused(server, server_gql):
    life = await Life(server_gql).setup()
    _, units = await life.permit_with_units(units=1)
    await life.filed_contract(units[0]["id"])
    tax = token("TAX")
    everything = await server_gql.data(PAGE, {"after": None}, bearer=tax)
    assert len(everything["events"]["edges"]) > 3
    assert await server_gql.data(PAGE, {"after": OPENING_CURSOR}, bearer=tax) == everything

    refused = await server_gql.execute(PAGE, {"after": ""}, bearer=tax)
    [error] = refused["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": ["after"]}
    assert OPENING_CURSOR in error["message"]

    async with Subscription(server.url, tax, EVENTS, {"after": OPENING_CURSOR}) as replay:
        received = await replay.wait_for(len(everything["events"]["edges"]))
    assert [e["cursor"] for e in received] == [edge["cursor"] for edge in everything["events"]["edges"]]

    async with Subscription(server.url, tax, EVENTS, {"after": ""}) as empty:
        for _ in range(100):
            if empty.error is not None:
                break
            await asyncio.sleep(0.05)
    assert empty.received == []
    assert empty.error is not None and OPENING_CURSOR in str(empty.error)
