from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from tortoise.expressions import Q

from domain import models as m
from domain import visibility
from domain.enums import RIGHT_KINDS
from domain.enums import RightStatus as RightStatusValue
from domain.views import PropertyRow
from resolvers.context import Info
from resolvers.enums import PermitStatus, PropertyStatus, PropertyUsage, SaleType
from resolvers.ids import to_global_id
from resolvers.pagination import Connection, paginate
from resolvers.types.node import Node
from resolvers.types.parties import Party, load_parties, load_party
from resolvers.types.registry import object_of

if TYPE_CHECKING:
    from resolvers.types.contracts import Contract
    from resolvers.types.events import Event
    from resolvers.types.mortgages import Mortgage
    from resolvers.types.registrations import Registration

ContractRef = Annotated["Contract", strawberry.lazy("resolvers.types.contracts")]
RegistrationRef = Annotated["Registration", strawberry.lazy("resolvers.types.registrations")]
MortgageRef = Annotated["Mortgage", strawberry.lazy("resolvers.types.mortgages")]
EventRef = Annotated["Event", strawberry.lazy("resolvers.types.events")]


@strawberry.type(name="PresalePermit")
class PresalePermit(Node):
    db_id: strawberry.Private[int]
    developer_id: strawberry.Private[int]
    supervising_bank_id: strawberry.Private[int]
    number: str
    project_name: str
    sale_type: SaleType
    supervised_account: str = strawberry.field(description="预售资金监管账户")
    status: PermitStatus
    issued_at: datetime.datetime
    completion_acceptance_number: str | None = strawberry.field(description="竣工验收备案 number, once recorded")
    completion_accepted_at: datetime.datetime | None

    @classmethod
    def from_row(cls, row: m.Permit) -> PresalePermit:
        return cls(
            id=to_global_id("PresalePermit", row.id),
            db_id=row.id,
            developer_id=row.developer_id,
            supervising_bank_id=row.supervising_bank_id,
            number=row.number,
            project_name=row.project_name,
            sale_type=row.sale_type,
            supervised_account=row.supervised_account,
            status=row.status,
            issued_at=row.issued_at,
            completion_acceptance_number=row.completion_acceptance_number,
            completion_accepted_at=row.completion_accepted_at,
        )

    @strawberry.field
    async def developer(self, info: Info) -> Party:
        return await load_party(info, self.developer_id)

    @strawberry.field
    async def supervising_bank(self, info: Info) -> Party:
        return await load_party(info, self.supervising_bank_id)

    @strawberry.field
    async def properties(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Property]:
        return await paginate(m.Property.filter(permit_id=self.db_id), first, after, Property.from_row)


@strawberry.type
class Property(Node):
    db_id: strawberry.Private[int]
    permit_id: strawberry.Private[int | None]
    unit_code: str = strawberry.field(description="28-character real-estate unit code (不动产单元代码, GB/T 37346)")
    address: str
    building: str
    floor: int
    room: str
    building_area: decimal.Decimal = strawberry.field(description="建筑面积 in square metres")
    usage: PropertyUsage
    status: PropertyStatus

    @classmethod
    def from_row(cls, row: m.Property | PropertyRow) -> Property:
        return cls(
            id=to_global_id("Property", row.id),
            db_id=row.id,
            permit_id=row.permit_id,
            unit_code=row.unit_code,
            address=row.address,
            building=row.building,
            floor=row.floor,
            room=row.room,
            building_area=row.building_area,
            usage=row.usage,
            status=row.status,
        )

    @strawberry.field
    async def permit(self, info: Info) -> PresalePermit | None:
        row = await info.context.loaders.permit.load(self.permit_id) if self.permit_id else None
        return PresalePermit.from_row(row) if row else None

    @strawberry.field(description="Holders of the ownership right in force; empty before first registration")
    async def owners(self, info: Info) -> list[Party]:
        rows = await info.context.loaders.property_owner_rows.load(self.db_id)
        holder_ids = [r.party_id for r in rows]
        viewer = info.context.viewer
        may_see = viewer is not None and (
            viewer.party_id in holder_ids or await info.context.loaders.deep_visible_property.load(self.db_id)
        )
        return await load_parties(info, holder_ids) if may_see else []

    @strawberry.field(description="The contract filed for it, if any and not cancelled")
    async def active_contract(self, info: Info) -> ContractRef | None:
        rows = await info.context.loaders.property_active_contract.load(self.db_id)
        return object_of(rows[0]) if rows else None

    @strawberry.field
    async def contracts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ContractRef]:
        query = visibility.contracts(info.context.require_viewer(), m.Contract.filter(property_id=self.db_id))
        return await paginate(query, first, after, object_of)

    @strawberry.field
    async def registrations(
        self, info: Info, first: int | None = None, after: str | None = None, in_force: bool | None = None
    ) -> Connection[RegistrationRef]:
        query = m.Registration.filter(property_id=self.db_id)
        # In force: the rights on the register; a completed discharge or release is a record, not a right.
        in_force_right = Q(right_status=RightStatusValue.IN_FORCE, kind__in=list(RIGHT_KINDS))
        if in_force is True:
            query = query.filter(in_force_right)
        elif in_force is False:
            query = query.filter(~in_force_right)
        query = visibility.registrations(info.context.require_viewer(), query)
        return await paginate(query, first, after, object_of)

    @strawberry.field
    async def mortgages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MortgageRef]:
        query = visibility.mortgages(info.context.require_viewer(), m.Mortgage.filter(property_id=self.db_id))
        return await paginate(query, first, after, object_of)

    @strawberry.field(description="Every event about this property, oldest first: its whole electronic file")
    async def history(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[EventRef]:
        query = visibility.events(info.context.require_viewer(), m.Event.filter(property_id=self.db_id))
        return await paginate(query, first, after, object_of, key="seq")
