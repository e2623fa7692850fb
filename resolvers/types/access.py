from __future__ import annotations

import datetime

import strawberry

from domain import models as m
from domain.enums import Role as RoleValue
from domain.viewer import Viewer
from resolvers.enums import Role
from resolvers.ids import to_global_id


@strawberry.type(description="查询留痕: one delivery of a person's unmasked ID number or home count to another viewer")
class AccessRecord:
    id: strawberry.ID
    at: datetime.datetime
    viewer_role: Role
    viewer_subject: str = strawberry.field(description="The token's subject")
    viewer_party: str | None = strawberry.field(description="ID number or credit code the viewer's token speaks for")
    person_id_number: str
    what: str = strawberry.field(
        description='The field or query delivered, e.g. "Party.idNumber", "homesOwned", "Event.payload"'
    )
    request_id: str

    @classmethod
    def from_row(cls, row: m.AccessRecord) -> AccessRecord:
        return cls(
            id=to_global_id("AccessRecord", row.id),
            at=row.at,
            viewer_role=row.viewer_role,
            viewer_subject=row.viewer_subject,
            viewer_party=row.viewer_party,
            person_id_number=row.person_id_number,
            what=row.what,
            request_id=row.request_id,
        )


def records_for(viewer: Viewer):
    """The records the viewer may read: all for SUPERVISOR, a buyer's own, none for anyone else."""
    if viewer.role == RoleValue.SUPERVISOR:
        return m.AccessRecord.all()
    if viewer.role == RoleValue.BUYER and viewer.party_id_number:
        return m.AccessRecord.filter(person_id_number=viewer.party_id_number)
    return m.AccessRecord.filter(id__in=[])
