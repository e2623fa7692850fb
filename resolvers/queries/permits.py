from __future__ import annotations

import strawberry
from tortoise.expressions import Subquery

from domain import models as m
from domain import views, visibility
from domain.enums import RegistrationKind, RegistrationPartyRole, RightStatus
from resolvers.context import Info
from resolvers.ids import from_global_id
from resolvers.inputs import PropertyFilter, check_input, fits
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.permits import PresalePermit, Property

OWNERSHIP_KINDS = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


@strawberry.type
class PermitQuery:
    @signed_in_field
    async def permit(self, info: Info, number: str) -> PresalePermit | None:
        if not fits(m.Permit, "number", number):
            return None
        row = await visibility.permits(viewer_of(info), m.Permit.filter(number=number)).first()
        return PresalePermit.from_row(row) if row else None

    @signed_in_field
    async def permits(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PresalePermit]:
        return await paginate(visibility.permits(viewer_of(info), m.Permit.all()), first, after, PresalePermit.from_row)

    @signed_in_field
    async def property(self, info: Info, unit_code: str) -> Property | None:
        viewer_of(info)
        code = unit_code.strip().upper()
        row = await views.property_by_unit_code(code) if fits(m.Property, "unit_code", code) else None
        return Property.from_row(row) if row else None

    @signed_in_field
    async def properties(
        self, info: Info, first: int | None = None, after: str | None = None, filter: PropertyFilter | None = None
    ) -> Connection[Property]:
        viewer = viewer_of(info)
        query = m.Property.all()
        if filter is not None:
            check_input(filter, ("filter",))
            if filter.permit_id is not None:
                decoded = from_global_id(filter.permit_id)
                query = query.filter(permit_id=decoded[1] if decoded and decoded[0] == "PresalePermit" else -1)
            if filter.status is not None:
                query = query.filter(status=filter.status)
            if filter.owner_id_number is not None:
                owned = m.RegistrationParty.filter(
                    party__id_number=filter.owner_id_number.strip().upper(),
                    role=RegistrationPartyRole.RIGHT_HOLDER,
                    registration__kind__in=OWNERSHIP_KINDS,
                    registration__right_status=RightStatus.IN_FORCE,
                ).values("registration__property_id")
                owned = Subquery(owned)
                query = query.filter(id__in=owned)
                # Who owns what is not public: others' holdings only on properties the viewer sees fully.
                deep = visibility.deep_property_ids(viewer)
                if not viewer.sees_everything and filter.owner_id_number != viewer.party_id_number:
                    query = query.filter(id__in=deep) if deep is not None else visibility.nothing(query)
        return await paginate(query, first, after, Property.from_row)
