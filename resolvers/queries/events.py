from __future__ import annotations

import strawberry

from domain import models as m
from domain import visibility
from resolvers.context import Info
from resolvers.enums import EventType
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.events import Event


@strawberry.type
class EventQuery:
    @signed_in_field(description="The event log, oldest first, as far as the viewer may see it")
    async def events(
        self, info: Info, first: int | None = None, after: str | None = None, types: list[EventType] | None = None
    ) -> Connection[Event]:
        query = visibility.events(viewer_of(info), m.Event.all())
        if types:
            query = query.filter(type__in=list(types))
        return await paginate(query, first, after, Event.from_row, key="seq")
