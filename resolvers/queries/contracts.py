from __future__ import annotations

import strawberry
from tortoise.expressions import Subquery

from domain import models as m
from domain import visibility
from resolvers.context import Info
from resolvers.ids import from_global_id
from resolvers.inputs import ContractFilter, check_input, fits
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.contracts import Contract


@strawberry.type
class ContractQuery:
    @signed_in_field
    async def contract(self, info: Info, number: str) -> Contract | None:
        if not fits(m.Contract, "number", number):
            return None
        row = await visibility.contracts(viewer_of(info), m.Contract.filter(number=number)).first()
        return Contract.from_row(row) if row else None

    @signed_in_field
    async def contracts(
        self, info: Info, first: int | None = None, after: str | None = None, filter: ContractFilter | None = None
    ) -> Connection[Contract]:
        query = visibility.contracts(viewer_of(info), m.Contract.all())
        if filter is not None:
            check_input(filter, ("filter",))
            if filter.status is not None:
                query = query.filter(status=filter.status)
            if filter.property_id is not None:
                decoded = from_global_id(filter.property_id)
                query = query.filter(property_id=decoded[1] if decoded and decoded[0] == "Property" else -1)
            if filter.buyer_id_number is not None:
                number = filter.buyer_id_number.strip().upper()
                query = query.filter(
                    id__in=Subquery(m.ContractBuyer.filter(party__id_number=number).values("contract_id"))
                )
        return await paginate(query, first, after, Contract.from_row)
