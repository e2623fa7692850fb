"""Property.status, kept in step with contracts and registrations by every service that moves them."""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.enums import ContractStatus, PropertyStatus, RegistrationKind, RightStatus
from domain.models import Contract, Property, Registration


def derive_status(ownership_in_force: bool, advance_notice_in_force: bool, contract_filed: bool) -> PropertyStatus:
    if ownership_in_force:
        return PropertyStatus.REGISTERED
    if advance_notice_in_force:
        return PropertyStatus.PRE_REGISTERED
    if contract_filed:
        return PropertyStatus.SOLD
    return PropertyStatus.AVAILABLE


async def refresh_property_status(conn: BaseDBAsyncClient, prop: Property) -> PropertyStatus:
    in_force = set(
        await Registration.filter(property_id=prop.id, right_status=RightStatus.IN_FORCE).using_db(conn).values_list("kind", flat=True)
    )
    status = derive_status(
        ownership_in_force=bool(in_force & {RegistrationKind.TRANSFER, RegistrationKind.FIRST_OWNERSHIP}),
        advance_notice_in_force=RegistrationKind.ADVANCE_NOTICE in in_force,
        contract_filed=await Contract.filter(property_id=prop.id, status=ContractStatus.FILED).using_db(conn).exists(),
    )
    if status != prop.status:
        prop.status = status
        await prop.save(using_db=conn, update_fields=["status"])
    return status
