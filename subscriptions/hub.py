"""The event hub of one API process: reads the log once, fans each event out to its subscribers.

Each subscriber has a bounded buffer. A subscriber too slow to keep it from filling is not
skipped silently: it receives what its buffer holds, then an error carrying the cursor of the
last event it got, and resumes from there with `after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field, replace

from domain import visibility
from domain.enums import EventType, RegistrationKind
from domain.eventlog import last_seq
from domain.models import Event, Party
from domain.viewer import Viewer

log = logging.getLogger("onewindow.hub")
READ_BATCH = 500


class SlowSubscriber(Exception):
    def __init__(self, last_seq: int) -> None:
        super().__init__(f"the subscriber fell behind; resume with after = cursor {last_seq}")
        self.last_seq = last_seq


@dataclass(frozen=True)
class EventFilter:
    types: frozenset[EventType] | None = None
    registration_kinds: frozenset[RegistrationKind] | None = None

    def matches(self, event: Event) -> bool:
        if self.types is not None and event.type not in self.types:
            return False
        if self.registration_kinds is not None:
            return event.payload.get("kind") in {k.value for k in self.registration_kinds}
        return True


@dataclass(eq=False)  # each subscriber is its own: compared and hashed by identity
class Subscriber:
    viewer: Viewer
    filter: EventFilter
    capacity: int
    buffer: deque = field(default_factory=deque)
    # A buyer may subscribe before the platform knows them; their party is looked up as it appears.
    party_id: int | None = None
    overflowed: bool = False
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, event: Event) -> None:
        if self.overflowed:
            return
        if len(self.buffer) >= self.capacity:
            self.overflowed = True
        else:
            self.buffer.append(event)
        self.ready.set()

    async def live(self, after_seq: int) -> AsyncIterator[Event]:
        """Events from the hub in log order, skipping those at or before `after_seq` (the replay's)."""
        last = after_seq
        while True:
            while self.buffer:
                event = self.buffer.popleft()
                if event.seq > last:
                    last = event.seq
                    yield event
            if self.overflowed:
                raise SlowSubscriber(last)
            self.ready.clear()
            await self.ready.wait()


class EventHub:
    def __init__(self, poll_seconds: float = 1.0, capacity: int = 1000) -> None:
        self.poll_seconds = poll_seconds
        self.capacity = capacity
        self.position = 0  # seq of the last event read from the log
        self.subscribers: set[Subscriber] = set()
        # Read by api/metrics.py: events handed to subscribers, subscribers closed as too slow.
        self.delivered = 0
        self.closed_too_slow = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self.position = await last_seq()
        self._task = asyncio.create_task(self._read_forever())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self) -> None:
        self._wake.set()

    @contextlib.asynccontextmanager
    async def subscribe(self, viewer: Viewer, event_filter: EventFilter) -> AsyncIterator[tuple[Subscriber, int]]:
        """A registered subscriber, and the log position from which the hub will feed it."""
        subscriber = Subscriber(viewer, event_filter, self.capacity, party_id=viewer.party_id)
        if not self.subscribers:  # the log was not followed while nobody listened: start from its head
            self.position = max(self.position, await last_seq())
        self.subscribers.add(subscriber)
        try:
            yield subscriber, self.position
        finally:
            self.subscribers.discard(subscriber)
            self.closed_too_slow += subscriber.overflowed

    async def _read_forever(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            try:
                await self.read_new()
            except Exception:  # the database may be away a moment; the next round reads again
                log.exception("reading the event log failed")
                await asyncio.sleep(self.poll_seconds)

    async def read_new(self) -> None:
        if not self.subscribers:
            return  # nobody to deliver to: a write-heavy process spares itself the reading
        while True:
            events = await Event.filter(seq__gt=self.position).order_by("seq").limit(READ_BATCH)
            if not events:
                return
            if self.subscribers:
                await self._fan_out(events)
            self.position = events[-1].seq
            if len(events) < READ_BATCH:
                return

    async def _fan_out(self, events: list[Event]) -> None:
        await _resolve_parties(self.subscribers)
        by_sight: dict[tuple, list[Subscriber]] = defaultdict(list)
        for subscriber in self.subscribers:
            by_sight[sight(subscriber.viewer, subscriber.party_id)].append(subscriber)
        seqs = [e.seq for e in events]
        for members in by_sight.values():
            # One query per distinct sight and batch: the domain's rule decides, as for `events`.
            viewer = replace(members[0].viewer, party_id=members[0].party_id)
            visible = await visibility.visible_pks(viewer, Event, seqs)
            for event in events:
                if event.seq in visible:
                    for subscriber in members:
                        if subscriber.filter.matches(event):
                            subscriber.offer(event)
                            self.delivered += 1


def sight(viewer: Viewer, party_id: int | None) -> tuple:
    """What decides what a viewer sees: subscribers of one sight see the same events."""
    return ("everything",) if viewer.sees_everything else (viewer.role, party_id)


async def _resolve_parties(subscribers: Iterable[Subscriber]) -> None:
    waiting = {s.viewer.party_id_number: s for s in subscribers if s.party_id is None and s.viewer.party_id_number}
    if waiting:
        for id_number, party_id in await Party.filter(id_number__in=list(waiting)).values_list("id_number", "id"):
            for subscriber in subscribers:
                if subscriber.viewer.party_id_number == id_number:
                    subscriber.party_id = party_id
