"""The contract's subscriptions: replay from the log after a cursor, then live, no gap, no duplicate."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import replace

import strawberry
from graphql import GraphQLError

from domain import models as m
from domain import visibility
from domain.enums import EventType as EventTypeValue
from domain.enums import RegistrationKind as RegistrationKindValue
from domain.viewer import Viewer
from resolvers.context import Info
from resolvers.enums import EventType, RegistrationKind
from resolvers.ids import decode_cursor, encode_cursor
from resolvers.permissions import IsAuthenticated
from resolvers.types.events import Event
from subscriptions.hub import EventFilter, SlowSubscriber

REPLAY_PAGE = 500


async def _stream(info: Info, event_filter: EventFilter, after: str | None) -> AsyncGenerator[Event, None]:
    viewer = info.context.viewer = await _known(info.context.require_viewer())
    hub = info.context.services.delivery.hub
    after_seq = decode_cursor(after)
    async with hub.subscribe(viewer, event_filter) as (subscriber, position):
        last = position
        if after_seq is not None:
            last = after_seq
            while True:  # replay what the log holds after the cursor, in pages
                query = visibility.events(viewer, m.Event.filter(seq__gt=last))
                if event_filter.types is not None:
                    query = query.filter(type__in=list(event_filter.types))
                page = await query.order_by("seq").limit(REPLAY_PAGE)
                for row in page:
                    last = row.seq
                    if event_filter.matches(row):
                        yield await _fresh(info, row)
                if len(page) < REPLAY_PAGE:
                    break
        try:
            async for row in subscriber.live(last):
                yield await _fresh(info, row)
        except SlowSubscriber as slow:
            raise GraphQLError(
                str(slow), extensions={"code": "SUBSCRIBER_TOO_SLOW", "lastCursor": encode_cursor(slow.last_seq)}
            ) from slow


async def _known(viewer: Viewer) -> Viewer:
    """The viewer with its party, if the platform has come to know it since the connection opened."""
    if viewer.party_id is None and viewer.party_id_number:
        party = await m.Party.get_or_none(id_number=viewer.party_id_number)
        if party is not None:
            return replace(viewer, party_id=party.id)
    return viewer


async def _fresh(info: Info, row: m.Event) -> Event:
    # Each event is resolved on its own: the records it names may have changed since the last,
    # and a buyer may have become known to the platform since subscribing.
    info.context.viewer = await _known(info.context.viewer)
    info.context.fresh_loaders()
    info.context.last_seq = row.seq  # a shared stream tells its members where each result stands
    return Event.from_row(row)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="CONTRACT_FILED events the viewer may see; replays the log after `after`, then streams live",
    )
    async def contract_filed(self, info: Info, after: str | None = None) -> AsyncGenerator[Event, None]:
        async for event in _stream(info, EventFilter(types=frozenset({EventTypeValue.CONTRACT_FILED})), after):
            yield event

    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="REGISTRATION_COMPLETED events the viewer may see, optionally only some kinds",
    )
    async def registration_completed(
        self, info: Info, kinds: list[RegistrationKind] | None = None, after: str | None = None
    ) -> AsyncGenerator[Event, None]:
        event_filter = EventFilter(
            types=frozenset({EventTypeValue.REGISTRATION_COMPLETED}),
            registration_kinds=frozenset(RegistrationKindValue(k) for k in kinds) if kinds else None,
        )
        async for event in _stream(info, event_filter, after):
            yield event

    @strawberry.subscription(
        permission_classes=[IsAuthenticated], description="Any events the viewer may see, optionally only some types"
    )
    async def events(
        self, info: Info, types: list[EventType] | None = None, after: str | None = None
    ) -> AsyncGenerator[Event, None]:
        event_filter = EventFilter(types=frozenset(EventTypeValue(t) for t in types) if types else None)
        async for event in _stream(info, event_filter, after):
            yield event
