"""Identical live subscriptions share one execution per event, and each still gets all of its own."""

from __future__ import annotations

from tests.story import Life
from tests.ws import EVENT_FIELDS, Subscription

PERMITS = "subscription { events(types: [PERMIT_ISSUED]) { %s } }" % EVENT_FIELDS


async def test_identical_subscribers_all_receive_and_a_late_one_joins_without_gap_or_repeat(server, server_gql):
    life = await Life(server_gql).setup()
    async with (
        Subscription(server.url, life.actors.tax, PERMITS) as first,
        Subscription(server.url, life.actors.registrar, PERMITS) as second,
        Subscription(server.url, life.actors.developer, PERMITS) as developer,
    ):
        await life.permit_with_units(units=1)
        async with Subscription(server.url, life.actors.housing, PERMITS) as late:
            await life.permit_with_units(units=1)
            await first.wait_for(2)
            await second.wait_for(2)
            await late.wait_for(1)
            await developer.wait_for(2)
        assert [e["cursor"] for e in first.received] == [e["cursor"] for e in second.received]
        # A live subscriber gets what the process delivers from its arrival on: here the second
        # permit, and the first too if the process had not delivered it yet. Never a gap or a repeat.
        assert late.received == first.received[-len(late.received) :]
        assert late.received[-1] == first.received[-1]
        # The developer's own stream (its own visibility), the same events, since both permits are its.
        assert [e["cursor"] for e in developer.received] == [e["cursor"] for e in first.received]
        # A member leaving does not end the others' stream.
    async with Subscription(server.url, life.actors.tax, PERMITS) as again:
        await life.permit_with_units(units=1)
        assert len(await again.wait_for(1)) == 1
