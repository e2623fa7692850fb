from __future__ import annotations

import strawberry

from domain import models as m
from domain.enums import PartyKind as PartyKindValue
from resolvers.context import Info
from resolvers.inputs import fits
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.parties import Party, Viewer


@strawberry.type
class PartyQuery:
    @signed_in_field
    async def viewer(self, info: Info) -> Viewer:
        viewer = viewer_of(info)
        return Viewer(role=viewer.role, subject=viewer.subject, party_id=viewer.party_id)

    @signed_in_field(description="Organisations are public; a person only to whom may see their ID number")
    async def party(self, info: Info, id_number: str) -> Party | None:
        number = id_number.strip().upper()
        row = await m.Party.get_or_none(id_number=number) if fits(m.Party, "id_number", number) else None
        if row is None:
            return None
        if row.kind == PartyKindValue.ORGANIZATION or await info.context.loaders.unmasked_person.load(row.id):
            return Party.from_row(row)
        return None
