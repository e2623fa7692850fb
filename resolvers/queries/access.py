"""Reading the read audit: SUPERVISOR reads every record, a buyer those about themselves."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from domain import models as m
from resolvers.context import Info
from resolvers.inputs import fits
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.access import AccessRecord, records_for


@strawberry.type
class AccessLogQuery:
    @signed_in_field(
        description="查询留痕, newest last: who received a person's unmasked ID number or home count (SUPERVISOR)"
    )
    async def access_log(
        self,
        info: Info,
        person_id_number: str | None = None,
        viewer_party: str | None = None,
        from_: Annotated[datetime.datetime | None, strawberry.argument(name="from")] = None,
        to: datetime.datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AccessRecord]:
        query = records_for(viewer_of(info))
        for column, value in (("person_id_number", person_id_number), ("viewer_party", viewer_party)):
            if value is None:
                continue
            wanted = value.strip().upper()
            # Longer than its column: no record names it (and the ORM refuses to compare it).
            query = (
                query.filter(**{column: wanted}) if fits(m.AccessRecord, column, wanted) else query.filter(id__in=[])
            )
        if from_ is not None:
            query = query.filter(at__gte=from_)
        if to is not None:
            query = query.filter(at__lt=to)
        return await paginate(query, first, after, AccessRecord.from_row)
