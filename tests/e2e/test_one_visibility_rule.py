"""Issue 11, item 1: replay, live delivery and the `events` query show each viewer the same events.

Three tenants on one permit — Zhang with bank A, Li with bank B, and the developer — and each
lender's mortgage: every viewer's live stream, its replay from a cursor and its `events` page
list exactly the same events, and a lender never sees the other lender's loan (DESIGN §7)."""

from __future__ import annotations

import asyncio

from tests import ids
from tests.story import Life
from tests.ws import EVENT_FIELDS, Subscription

EVENTS = "subscription($after: String) { events(after: $after) { %s } }" % EVENT_FIELDS
PAGE = "query($after: String) { events(first: 100, after: $after) { edges { node { cursor type payload } } } }"


async def test_replay_live_and_the_events_query_agree_for_every_viewer(server, server_gql):
    life = await Life(server_gql).setup()
    actors = life.actors
    viewers = {
        "bank": actors.bank,
        "other_bank": actors.other_bank,
        "zhang": actors.zhang,
        "li": actors.li,
        "developer": actors.developer,
        "other_developer": actors.other_developer,
    }
    head = await server_gql.data("{ events(first: 100) { edges { cursor } } }", bearer=actors.registrar)
    start = head["events"]["edges"][-1]["cursor"]
    live = {name: Subscription(server.url, bearer, EVENTS) for name, bearer in viewers.items()}
    for subscription in live.values():
        await subscription.__aenter__()
    try:
        _, units = await life.permit_with_units(units=2)
        zhangs, _ = await life.pre_registered(units[0]["id"])
        lis, _ = await life.pre_registered(units[1]["id"], buyer_tokens={ids.LI_SI: actors.li}, lender=ids.OTHER_BANK)
        mine = (await life.approve(zhangs["id"]))["mortgage"]
        theirs = (await life.approve(lis["id"], bearer=actors.other_bank))["mortgage"]
        assert mine and theirs

        shown = {}
        for name, bearer in viewers.items():
            page = await server_gql.data(PAGE, {"after": start}, bearer=bearer)
            shown[name] = [(e["node"]["cursor"], e["node"]["type"]) for e in page["events"]["edges"]]
        for name, subscription in live.items():
            received = await subscription.wait_for(len(shown[name]), timeout=20)
            await asyncio.sleep(0.3)
            assert [(e["cursor"], e["type"]) for e in subscription.received] == shown[name], name
            assert len(received) == len(shown[name])
    finally:
        for subscription in live.values():
            await subscription.__aexit__(None, None, None)

    for name, bearer in viewers.items():
        async with Subscription(server.url, bearer, EVENTS, {"after": start}) as replay:
            await replay.wait_for(len(shown[name]), timeout=20)
            await asyncio.sleep(0.3)
            assert [(e["cursor"], e["type"]) for e in replay.received] == shown[name], name

    assert shown["other_developer"] == []
    assert all(shown[name] for name in ("bank", "other_bank", "zhang", "li", "developer"))
    # Each lender hears of its own loan only; the developer and the buyers of theirs.
    approvals = {name: [c for c, t in shown[name] if t == "MORTGAGE_APPROVED"] for name in viewers}
    assert len(approvals["bank"]) == 1 and len(approvals["other_bank"]) == 1
    assert approvals["bank"] != approvals["other_bank"]
    assert approvals["zhang"] == approvals["bank"] and approvals["li"] == approvals["other_bank"]
