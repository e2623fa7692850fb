"""The outbox log: linear hash chain, commit-order cursors, no gaps, tamper detection."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from domain import eventlog
from domain.enums import EventType
from domain.models import Event, EventAudience, Party
from tests import factories


async def _append(payload: dict, refs: eventlog.EventRefs | None = None) -> int:
    async with in_transaction() as conn:
        await eventlog.append(
            conn, factories.NOW, [eventlog.NewEvent(EventType.PERMIT_ISSUED, refs or eventlog.EventRefs(), payload)]
        )
    return await eventlog.last_seq()


async def test_a_fresh_log_verifies_empty(db):
    report = await eventlog.verify_chain()
    assert report.ok and report.count == 0


async def test_appended_events_chain_from_the_genesis_hash(db):
    await _append({"n": 1})
    await _append({"n": 2, "price": "1000000.00", "name": "息县"})
    first, second = await Event.all().order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert first.previous_hash == eventlog.GENESIS_HASH
    assert second.previous_hash == first.hash
    report = await eventlog.verify_chain()
    assert report.ok and report.count == 2


async def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(db):
    await _append({"n": 1})
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await eventlog.append(
                conn, factories.NOW, [eventlog.NewEvent(EventType.PERMIT_ISSUED, eventlog.EventRefs(), {})]
            )
            raise RuntimeError("the service failed after appending")
    await _append({"n": 3})
    assert await Event.all().order_by("seq").values_list("seq", flat=True) == [1, 2]
    assert (await eventlog.verify_chain()).ok


async def test_audience_is_derived_from_the_referenced_records(db):
    world = await factories.World().build()
    audience = set(await EventAudience.filter(event_id=world.event.seq).values_list("party_id", flat=True))
    assert audience == {world.developer.id, world.bank.id, world.buyer.id}


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE event SET payload = '{\"n\": 99}' WHERE seq = 3",
        "UPDATE event SET type = 'CONTRACT_FILED' WHERE seq = 3",
        "UPDATE event SET previous_hash = hash WHERE seq = 3",
        "DELETE FROM event_audience WHERE event_id = 3; DELETE FROM event WHERE seq = 3",
    ],
)
async def test_verify_names_the_first_tampered_event(db, tamper):
    for n in range(5):
        await _append({"n": n})
    for statement in tamper.split("; "):
        await connections.get("default").execute_script(statement)
    report = await eventlog.verify_chain()
    assert not report.ok
    assert report.broken_seq == 3
    assert report.count == 2


@pytest.mark.postgres
async def test_fifty_concurrent_transactions_keep_one_gapless_chain_and_a_poller_misses_nothing(db):
    """On PostgreSQL: 50 transactions append at once (each also writes a row of its own and
    holds its transaction open a moment), while a reader polls `seq > last`."""
    writers, events_each = 50, 3
    done = asyncio.Event()
    seen: list[int] = []

    async def writer(i: int) -> None:
        async with in_transaction() as conn:
            party = await Party.create(kind="ORGANIZATION", id_number=f"X{i:017d}", name=f"org {i}", using_db=conn)
            await asyncio.sleep(0.01 * (i % 5))
            events = [
                eventlog.NewEvent(
                    EventType.PERMIT_ISSUED, eventlog.EventRefs(), {"writer": i, "k": k}, frozenset({party.id})
                )
                for k in range(events_each)
            ]
            # Appended in two statements: the transaction's events are numbered together, in this order.
            await eventlog.append(conn, factories.NOW, events[:1])
            await asyncio.sleep(0.002)
            await eventlog.append(conn, factories.NOW, events[1:])
            await asyncio.sleep(0.005)

    async def poller() -> None:
        last = 0
        while True:
            finished = done.is_set()
            batch = await eventlog.events_after(last, 1000)
            for event in batch:
                # Commit order equals seq order: a poller never sees a later event before an earlier one.
                assert event.seq == last + 1, f"gap: saw {event.seq} after {last}"
                seen.append(event.seq)
                last = event.seq
            if finished and not batch:
                return
            await asyncio.sleep(0.002)

    reader = asyncio.create_task(poller())
    await asyncio.gather(*(writer(i) for i in range(writers)))
    done.set()
    await reader

    total = writers * events_each
    assert seen == list(range(1, total + 1))
    assert await Event.all().order_by("seq").values_list("seq", flat=True) == list(range(1, total + 1))
    report = await eventlog.verify_chain()
    assert report.ok and report.count == total
    # Each writer's events are contiguous: one transaction's appends are never interleaved.
    payloads = await Event.all().order_by("seq").values_list("payload", flat=True)
    for i in range(writers):
        positions = [p for p, payload in enumerate(payloads) if payload["writer"] == i]
        assert positions == list(range(positions[0], positions[0] + events_each))
        assert [payloads[p]["k"] for p in positions] == list(range(events_each))
    assert await EventAudience.filter(party_id__isnull=False).count() == total


@pytest.mark.postgres
async def test_the_backend_under_test_is_really_postgres(db):
    assert connections.get("default").capabilities.dialect == "postgres"


@pytest.mark.postgres
async def test_on_postgres_events_are_numbered_as_their_transaction_commits(db):
    await _append({"n": 1})
    appended, finish = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> None:
        async with in_transaction() as conn:
            await eventlog.append(
                conn, factories.NOW, [eventlog.NewEvent(EventType.PERMIT_ISSUED, eventlog.EventRefs(), {"n": 2})]
            )
            appended.set()
            await finish.wait()

    slow = asyncio.create_task(slow_writer())
    await appended.wait()
    # Another transaction appends while the first is still open: it commits first, so it is 2.
    await _append({"n": 3})
    assert await Event.all().order_by("seq").values_list("seq", flat=True) == [1, 2]
    finish.set()
    await slow
    payloads = await Event.all().order_by("seq").values_list("payload", flat=True)
    assert payloads == [{"n": 1}, {"n": 3}, {"n": 2}]
    _, pending = await connections.get("default").execute_query("SELECT count(*) FROM event_pending")
    assert pending[0][0] == 0
    assert (await eventlog.verify_chain()).ok
