"""A subscriber that cannot keep up is closed with an error carrying its last cursor, and loses nothing."""

from __future__ import annotations

import contextlib

import httpx

from tests.story import Life
from tests.support import GraphQLClient, ServerProcess, server_env
from tests.ws import EVENT_FIELDS, Subscription

COMPLETED = (
    "subscription($after: String) { registrationCompleted(kinds: [FIRST_OWNERSHIP], after: $after) { %s } }"
    % EVENT_FIELDS
)


async def test_overflow_ends_with_the_last_cursor_and_resuming_brings_the_rest(settings, tmp_path, server_gql):
    life = await Life(server_gql).setup()
    permit, _ = await life.permit_with_units(units=20)
    await life.accept_completion(permit["id"])
    # A county charging no fees (登记费): the application completes the 20 first registrations at
    # once, not one with each fee payment.
    tight = ServerProcess(
        server_env(
            settings,
            ONEWINDOW_SUBSCRIBER_QUEUE="1",
            ONEWINDOW_TEST_LOG=str(tmp_path / "tight.log"),
            ONEWINDOW_FEE_RESIDENTIAL="0.00",
            ONEWINDOW_FEE_NON_RESIDENTIAL="0.00",
        )
    ).start()
    try:
        async with (
            httpx.AsyncClient(base_url=tight.url, timeout=30) as http,
            Subscription(tight.url, life.actors.registrar, COMPLETED) as slow,
        ):
            # One application commits 20 events at once: far more than a buffer of one holds.
            applied = await Life(GraphQLClient(http), life.actors).first_registration(permit["id"])
            assert applied["userErrors"] == [], applied
            with contextlib.suppress(Exception):
                await slow.wait_for(20, timeout=10)
        assert slow.error is not None, "the subscriber should have been told it fell behind"
        [error] = slow.error.errors
        assert error["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
        last = error["extensions"]["lastCursor"]
        assert last == (slow.received[-1]["cursor"] if slow.received else last)
        async with Subscription(tight.url, life.actors.registrar, COMPLETED, {"after": last}) as resumed:
            rest = await resumed.wait_for(20 - len(slow.received))
        cursors = [e["cursor"] for e in slow.received + rest]
        assert len(cursors) == 20 and len(set(cursors)) == 20 and cursors == sorted(cursors)
    finally:
        tight.stop()
