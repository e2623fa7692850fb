"""Property.status, kept in step with contracts and registrations by every service that moves them."""

from __future__ import annotations

from domain import sql
from domain.enums import ContractStatus, RegistrationKind, RightStatus
from domain.models import Contract, Property, Registration
from domain.rules.property_status import derive_status
from domain.unit_of_work import UnitOfWork


async def property_status_update(uow: UnitOfWork, prop: Property) -> list[sql.Statement]:
    """The update that brings `prop.status` in step with what the transaction reads now (none if it is)."""
    in_force: set[RegistrationKind] = set(
        await Registration.filter(property_id=prop.id, right_status=RightStatus.IN_FORCE)
        .using_db(uow.conn)
        .values_list("kind", flat=True)  # type: ignore[arg-type]  # Tortoise types a flat list as tuples
    )
    status = derive_status(
        ownership_in_force=bool(in_force & {RegistrationKind.TRANSFER, RegistrationKind.FIRST_OWNERSHIP}),
        advance_notice_in_force=RegistrationKind.ADVANCE_NOTICE in in_force,
        contract_filed=await Contract.filter(property_id=prop.id, status=ContractStatus.FILED)
        .using_db(uow.conn)
        .exists(),
    )
    if status == prop.status:
        return []
    prop.status = status
    return [sql.update(Property, prop.id, {"status": status})]
