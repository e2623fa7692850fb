from __future__ import annotations

import datetime
import decimal

import strawberry

from domain import models as m
from domain.rules.mortgages import mortgage_priority
from resolvers.context import Info
from resolvers.enums import MortgageStatus
from resolvers.ids import to_global_id
from resolvers.types.contracts import Contract, Signature
from resolvers.types.node import Node
from resolvers.types.parties import Party, load_parties, load_party
from resolvers.types.permits import Property
from resolvers.types.registrations import Registration
from resolvers.types.registry import from_row_of


@from_row_of(m.Mortgage)
@strawberry.type
class Mortgage(Node):
    db_id: strawberry.Private[int]
    property_id: strawberry.Private[int]
    contract_id: strawberry.Private[int | None]
    lender_id: strawberry.Private[int]
    principal: decimal.Decimal
    term_months: int
    status: MortgageStatus
    approved_at: datetime.datetime

    @classmethod
    def from_row(cls, row: m.Mortgage) -> Mortgage:
        return cls(
            id=to_global_id("Mortgage", row.id),
            db_id=row.id,
            property_id=row.property_id,
            contract_id=row.contract_id,
            lender_id=row.lender_id,
            principal=row.principal,
            term_months=row.term_months,
            status=row.status,
            approved_at=row.approved_at,
        )

    @strawberry.field(
        description="Priority (抵押顺位, 1 = first): the order of registration among the mortgage rights in force "
        "on the property (an advance mortgage keeps its rank when it converts); a discharge moves the later ones up. "
        "An APPROVED loan not registered yet: the rank it would take if registered now (after every mortgage in "
        "force). 0 once the mortgage has no right in force (DISCHARGED)."
    )
    async def priority(self, info: Info) -> int:
        ranks = await info.context.loaders.mortgage_ranks.load(self.property_id)
        return mortgage_priority(self.status, ranks.by_mortgage.get(self.db_id), ranks.in_force)

    @strawberry.field
    async def property(self, info: Info) -> Property:
        return Property.from_row(await info.context.loaders.property.load(self.property_id))

    @strawberry.field
    async def contract(self, info: Info) -> Contract | None:
        row = await info.context.loaders.contract.load(self.contract_id) if self.contract_id else None
        return Contract.from_row(row) if row else None

    @strawberry.field
    async def lender(self, info: Info) -> Party:
        return await load_party(info, self.lender_id)

    @strawberry.field
    async def borrowers(self, info: Info) -> list[Party]:
        rows = await info.context.loaders.mortgage_borrowers.load(self.db_id)
        return await load_parties(info, [r.party_id for r in rows])

    @strawberry.field
    async def signatures(self, info: Info) -> list[Signature]:
        return [Signature.from_row(r) for r in await info.context.loaders.mortgage_signatures.load(self.db_id)]

    @strawberry.field
    async def registrations(self, info: Info) -> list[Registration]:
        return [Registration.from_row(r) for r in await info.context.loaders.mortgage_registrations.load(self.db_id)]
