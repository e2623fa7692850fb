from __future__ import annotations

import strawberry

from domain import models as m
from domain import visibility
from domain.enums import HomesScope as HomesScopeValue
from domain.errors import DomainError
from domain.rules import identity
from domain.services.homes import contract_buyer_id_numbers_of_lender, homes_owned
from domain.timeutil import business_date
from resolvers.context import Info
from resolvers.enums import HomesScope
from resolvers.inputs import TaxRecordFilter, check_input
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.parties import Party
from resolvers.types.tax import HomesOwned, OwnedHome, TaxRecord


@strawberry.type
class TaxQuery:
    @signed_in_field
    async def tax_records(
        self, info: Info, first: int | None = None, after: str | None = None, filter: TaxRecordFilter | None = None
    ) -> Connection[TaxRecord]:
        query = visibility.tax_records(viewer_of(info), m.TaxRecord.all())
        if filter is not None:
            check_input(filter, ("filter",))
            if filter.status is not None:
                query = query.filter(status=filter.status)
            if filter.taxpayer_id_number is not None:
                query = query.filter(taxpayer__id_number=filter.taxpayer_id_number.strip().upper())
        return await paginate(query, first, after, TaxRecord.from_row)

    @signed_in_field(description="房屋套数: residential homes held, for the tax bureau, banks and the housing bureau")
    async def homes_owned(
        self, info: Info, id_number: str, scope: HomesScope | None = HomesScopeValue.FAMILY
    ) -> HomesOwned:
        viewer = viewer_of(info)
        number = identity.resident_id(id_number, ["idNumber"])
        lender_buyers = (
            await contract_buyer_id_numbers_of_lender(viewer.party_id) if viewer.is_lender and viewer.party_id else None
        )
        if not visibility.homes_owned_allowed(viewer, number, lender_buyers):
            raise DomainError(
                "FORBIDDEN", "you may ask only about yourself, or a buyer of a contract that chose you", ["idNumber"]
            )
        services = info.context.services
        now = services.clock.now()
        result = await homes_owned(
            number, HomesScopeValue(scope or HomesScopeValue.FAMILY), now, business_date(now, services.policy)
        )
        audit = info.context.loaders.access_log
        for person in dict.fromkeys([number, *(p.id_number for p in result.members)]):
            audit.note(person, "homesOwned")  # the family's count tells each member's holdings
        members_by_number = {p.id_number: p for p in result.members}
        for party in result.members:  # the homes' holders are among them: no second lookup
            info.context.loaders.party.prime(party.id, party)
        return HomesOwned(
            id_number=number,
            scope=result.scope,
            count=result.count,
            members=[Party.from_row(p) for p in result.members],
            homes=[
                OwnedHome(
                    property_id=h.property_id,
                    holder_id=members_by_number[h.holder_id_number].id,
                    basis=h.basis,
                    since=h.since,
                )
                for h in result.homes
            ],
            as_of=result.as_of,
        )
