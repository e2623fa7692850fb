"""Relay `node` / `nodes`: any object by global ID, if the viewer may see it."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.enums import PartyKind
from resolvers.context import Info
from resolvers.ids import from_global_id
from resolvers.permissions import signed_in_field
from resolvers.types.contracts import Contract, FundDeposit
from resolvers.types.events import Event
from resolvers.types.mortgages import Mortgage
from resolvers.types.node import Node
from resolvers.types.parties import Party
from resolvers.types.permits import PresalePermit, Property
from resolvers.types.registrations import Certificate, Registration
from resolvers.types.tax import TaxRecord

# Type name -> (loader attribute on Loaders, GraphQL type).
NODE_TYPES: dict[str, tuple[str, Any]] = {
    "Party": ("party", Party),
    "PresalePermit": ("permit", PresalePermit),
    "Property": ("property", Property),
    "Contract": ("contract", Contract),
    "FundDeposit": ("fund_deposit", FundDeposit),
    "Registration": ("registration", Registration),
    "Certificate": ("certificate", Certificate),
    "TaxRecord": ("tax_record", TaxRecord),
    "Mortgage": ("mortgage", Mortgage),
    "Event": ("event", Event),
}


async def resolve_node(info: Info, global_id: str) -> Node | None:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] not in NODE_TYPES:
        return None
    loader_name, node_type = NODE_TYPES[decoded[0]]
    row = await getattr(info.context.loaders, loader_name).load(decoded[1])
    if row is None:
        return None
    if node_type is Party and not await _may_see_party(info, row):
        return None
    return node_type.from_row(row)


async def _may_see_party(info: Info, row: Any) -> bool:
    return row.kind == PartyKind.ORGANIZATION or await info.context.loaders.unmasked_person.load(row.id)


@strawberry.type
class NodeQuery:
    @signed_in_field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @signed_in_field
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return [await resolve_node(info, i) for i in ids]
