from __future__ import annotations

import strawberry

from domain import models as m
from domain import visibility
from resolvers.context import Info
from resolvers.ids import from_global_id
from resolvers.inputs import MortgageFilter, check_input
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.mortgages import Mortgage


@strawberry.type
class MortgageQuery:
    @signed_in_field
    async def mortgages(
        self, info: Info, first: int | None = None, after: str | None = None, filter: MortgageFilter | None = None
    ) -> Connection[Mortgage]:
        query = visibility.mortgages(viewer_of(info), m.Mortgage.all())
        if filter is not None:
            check_input(filter, ("filter",))
            if filter.status is not None:
                query = query.filter(status=filter.status)
            if filter.lender_id is not None:
                decoded = from_global_id(filter.lender_id)
                query = query.filter(lender_id=decoded[1] if decoded and decoded[0] == "Party" else -1)
        return await paginate(query, first, after, Mortgage.from_row)
