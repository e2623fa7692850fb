"""The hub on a real database: filtering by type, kind and viewer, and the bounded buffer."""

from __future__ import annotations

import asyncio

import pytest

from domain import eventlog
from domain.enums import EventType, RegistrationKind, Role
from domain.viewer import Viewer
from subscriptions.hub import EventFilter, EventHub, SlowSubscriber
from tests import factories


@pytest.fixture
async def world(db):
    return await factories.World().build()


async def _collect(subscriber, after, count):
    got = []
    async for event in subscriber.live(after):
        got.append(event)
        if len(got) == count:
            return got


async def test_each_viewer_gets_only_what_it_may_see(world):
    hub = EventHub(poll_seconds=60)
    await hub.start()
    bank = Viewer("bank", Role.BANK, party_id=world.bank.id)
    other_bank = Viewer("other", Role.BANK, party_id=world.other_bank.id)
    tax = Viewer("tax", Role.TAX)
    async with (
        hub.subscribe(bank, EventFilter()) as (mine, _),
        hub.subscribe(other_bank, EventFilter()) as (theirs, _),
        hub.subscribe(tax, EventFilter(types=frozenset({EventType.CONTRACT_FILED}))) as (bureau, _),
    ):
        await factories.log_event(
            EventType.CONTRACT_FILED,
            eventlog.EventRefs(property_id=world.properties[0].id, contract_id=world.contract.id),
            {},
        )
        await factories.log_event(
            EventType.CONTRACT_FILED,
            eventlog.EventRefs(property_id=world.other_properties[0].id, contract_id=world.other_contract.id),
            {},
        )
        await factories.log_event(
            EventType.TAX_PAID,
            eventlog.EventRefs(property_id=world.properties[0].id, contract_id=world.contract.id),
            {},
        )
        await hub.read_new()
        assert [e.type for e in mine.buffer] == ["CONTRACT_FILED", "TAX_PAID"]
        assert [e.contract_id for e in mine.buffer] == [world.contract.id] * 2
        assert [e.contract_id for e in theirs.buffer] == [world.other_contract.id]
        assert [e.contract_id for e in bureau.buffer] == [world.contract.id, world.other_contract.id]
    await hub.stop()


async def test_a_lender_sees_everything_on_its_properties(world):
    hub = EventHub(poll_seconds=60)
    await hub.start()
    async with hub.subscribe(Viewer("bank", Role.BANK, party_id=world.bank.id), EventFilter()) as (mine, _):
        # A seizure names only the property: the lender sees it through the contract that chose it.
        await factories.log_event(
            EventType.REGISTRATION_COMPLETED,
            eventlog.EventRefs(property_id=world.properties[0].id),
            {"kind": "SEIZURE"},
        )
        await factories.log_event(
            EventType.REGISTRATION_COMPLETED,
            eventlog.EventRefs(property_id=world.other_properties[0].id),
            {"kind": "SEIZURE"},
        )
        await hub.read_new()
        assert [e.property_id for e in mine.buffer] == [world.properties[0].id]
    await hub.stop()


async def test_registration_kinds_filter(world):
    hub = EventHub(poll_seconds=60)
    await hub.start()
    only_transfers = EventFilter(
        types=frozenset({EventType.REGISTRATION_COMPLETED}), registration_kinds=frozenset({RegistrationKind.TRANSFER})
    )
    async with hub.subscribe(Viewer("reg", Role.REGISTRAR), only_transfers) as (subscriber, _):
        for kind in ("ADVANCE_NOTICE", "TRANSFER", "SEIZURE"):
            await factories.log_event(EventType.REGISTRATION_COMPLETED, eventlog.EventRefs(), {"kind": kind})
        await hub.read_new()
        assert [e.payload["kind"] for e in subscriber.buffer] == ["TRANSFER"]
    await hub.stop()


async def test_a_slow_subscriber_gets_its_buffer_then_an_error_with_its_last_cursor(world):
    hub = EventHub(poll_seconds=60, capacity=3)
    await hub.start()
    async with hub.subscribe(Viewer("reg", Role.REGISTRAR), EventFilter()) as (subscriber, position):
        for n in range(6):
            await factories.log_event(EventType.PERMIT_ISSUED, eventlog.EventRefs(), {"n": n})
        await hub.read_new()
        received = []
        with pytest.raises(SlowSubscriber) as slow:
            async for event in subscriber.live(position):
                received.append(event.payload["n"])
        assert received == [0, 1, 2]
        assert slow.value.last_seq == position + 3  # resume after the third: nothing is skipped silently
    await hub.stop()


async def test_the_poll_finds_events_without_any_wake_up(world):
    hub = EventHub(poll_seconds=0.05)
    await hub.start()
    async with hub.subscribe(Viewer("reg", Role.REGISTRAR), EventFilter()) as (subscriber, position):
        await factories.log_event(EventType.PERMIT_ISSUED, eventlog.EventRefs(), {"n": 1})
        got = await asyncio.wait_for(_collect(subscriber, position, 1), 5)
        assert got[0].payload == {"n": 1}
    await hub.stop()
