from __future__ import annotations

import datetime
import decimal

import strawberry

from domain import models as m
from resolvers.context import Info
from resolvers.enums import HomeBasis, HomesScope, TaxKind, TaxStatus
from resolvers.ids import to_global_id
from resolvers.types.contracts import Contract
from resolvers.types.node import Node
from resolvers.types.parties import Party, load_party
from resolvers.types.permits import Property
from resolvers.types.registry import from_row_of


@from_row_of(m.TaxRecord)
@strawberry.type
class TaxRecord(Node):
    contract_id: strawberry.Private[int]
    property_id: strawberry.Private[int]
    taxpayer_id: strawberry.Private[int]
    kind: TaxKind
    family_homes_before: int = strawberry.field(
        description="Homes the taxpayer's family (self, spouse, minor children) held before this purchase"
    )
    taxable_amount: decimal.Decimal
    rate: decimal.Decimal
    amount: decimal.Decimal
    status: TaxStatus
    assessed_at: datetime.datetime
    paid_at: datetime.datetime | None
    voucher_number: str | None = strawberry.field(description="完税凭证号")

    @classmethod
    def from_row(cls, row: m.TaxRecord) -> TaxRecord:
        return cls(
            id=to_global_id("TaxRecord", row.id),
            contract_id=row.contract_id,
            property_id=row.property_id,
            taxpayer_id=row.taxpayer_id,
            kind=row.kind,
            family_homes_before=row.family_homes_before,
            taxable_amount=row.taxable_amount,
            rate=row.rate,
            amount=row.amount,
            status=row.status,
            assessed_at=row.assessed_at,
            paid_at=row.paid_at,
            voucher_number=row.voucher_number,
        )

    @strawberry.field
    async def contract(self, info: Info) -> Contract:
        row = await info.context.loaders.contract.load(self.contract_id)
        return Contract.from_row(row)

    @strawberry.field
    async def property(self, info: Info) -> Property:
        return Property.from_row(await info.context.loaders.property.load(self.property_id))

    @strawberry.field
    async def taxpayer(self, info: Info) -> Party:
        return await load_party(info, self.taxpayer_id)


@strawberry.type
class OwnedHome:
    property_id: strawberry.Private[int]
    holder_id: strawberry.Private[int]
    basis: HomeBasis
    since: datetime.datetime

    @strawberry.field
    async def property(self, info: Info) -> Property:
        return Property.from_row(await info.context.loaders.property.load(self.property_id))

    @strawberry.field
    async def holder(self, info: Info) -> Party:
        return await load_party(info, self.holder_id)


@strawberry.type
class HomesOwned:
    id_number: str
    scope: HomesScope
    count: int = strawberry.field(description="Distinct residential properties held by the counted members")
    members: list[Party]
    homes: list[OwnedHome]
    as_of: datetime.datetime
