from __future__ import annotations

import strawberry

from domain import models as m
from domain.enums import PartyKind as PartyKindValue
from domain.enums import Role as RoleValue
from domain.masking import mask_id_number
from resolvers.context import Info
from resolvers.enums import PartyKind, Role
from resolvers.ids import to_global_id
from resolvers.pagination import Connection, paginate
from resolvers.types.access import AccessRecord, records_for
from resolvers.types.node import Node


@strawberry.type
class Party(Node):
    db_id: strawberry.Private[int]
    kind: PartyKind
    name: str
    raw_id_number: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: m.Party) -> Party:
        return cls(
            id=to_global_id("Party", row.id), db_id=row.id, kind=row.kind, name=row.name, raw_id_number=row.id_number
        )

    @strawberry.field(
        description="18-digit resident ID (PERSON) or 18-character unified social credit code "
        "(ORGANIZATION); masked unless the viewer may see it in full"
    )
    async def id_number(self, info: Info) -> str:
        if self.kind == PartyKindValue.ORGANIZATION:
            return self.raw_id_number
        if await info.context.loaders.unmasked_person.load(self.db_id):
            info.context.loaders.access_log.note(self.raw_id_number, "Party.idNumber")
            return self.raw_id_number
        return mask_id_number(self.raw_id_number)


async def load_party(info: Info, party_id: int | None) -> Party | None:
    if party_id is None:
        return None
    row = await info.context.loaders.party.load(party_id)
    return Party.from_row(row) if row else None


async def load_parties(info: Info, party_ids: list[int]) -> list[Party]:
    rows = await info.context.loaders.party.load_many(party_ids)
    return [Party.from_row(r) for r in rows if r is not None]


@strawberry.type
class Viewer:
    role: Role
    subject: str = strawberry.field(description="The token's subject")
    party_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The party the token speaks for (a buyer, a developer, a bank); null for department staff"
    )
    async def party(self, info: Info) -> Party | None:
        return await load_party(info, self.party_id)

    @strawberry.field(
        description="查询留痕 about the viewer (a buyer): who received their unmasked ID number or home count"
    )
    async def access_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AccessRecord]:
        viewer = info.context.require_viewer()
        # Records about the viewer as a person: a buyer's; SUPERVISOR reads all with `accessLog`.
        own = records_for(viewer) if viewer.role == RoleValue.BUYER else m.AccessRecord.filter(id__in=[])
        return await paginate(own, first, after, AccessRecord.from_row)
