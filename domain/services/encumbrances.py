"""What stands on a property: seizures, rights of others, competing advance notices."""

from __future__ import annotations

from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from domain.enums import RegistrationKind, RegistrationPartyRole, RightStatus
from domain.models import Registration, RegistrationParty


def _seizures_in_force(property_id: int, today: date) -> QuerySet[Registration]:
    return Registration.filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=today),
        property_id=property_id,
        kind=RegistrationKind.SEIZURE,
        right_status=RightStatus.IN_FORCE,
    )


async def seizure_in_force(conn: BaseDBAsyncClient, property_id: int, today: date) -> bool:
    return bool(await _seizures_in_force(property_id, today).using_db(conn).exists())


async def rights_of_others_in_force(conn: BaseDBAsyncClient, property_id: int, except_party_id: int) -> bool:
    """An ownership or advance notice in force held by anyone but `except_party_id` (the seller)."""
    return (
        await RegistrationParty.filter(
            registration__property_id=property_id,
            registration__kind__in=(
                RegistrationKind.FIRST_OWNERSHIP,
                RegistrationKind.TRANSFER,
                RegistrationKind.ADVANCE_NOTICE,
            ),
            registration__right_status=RightStatus.IN_FORCE,
            role=RegistrationPartyRole.RIGHT_HOLDER,
        )
        .exclude(party_id=except_party_id)
        .using_db(conn)
        .exists()
    )


async def advance_notice_in_force(
    conn: BaseDBAsyncClient, property_id: int, except_registration_id: int | None = None
) -> bool:
    query = Registration.filter(
        property_id=property_id, kind=RegistrationKind.ADVANCE_NOTICE, right_status=RightStatus.IN_FORCE
    )
    if except_registration_id is not None:
        query = query.exclude(id=except_registration_id)
    return await query.using_db(conn).exists()


async def objection_in_force(conn: BaseDBAsyncClient, property_id: int) -> bool:
    """An objection (异议登记) in force: it blocks transfers, first registration and new mortgages."""
    return (
        await Registration.filter(
            property_id=property_id, kind=RegistrationKind.OBJECTION, right_status=RightStatus.IN_FORCE
        )
        .using_db(conn)
        .exists()
    )


async def advance_mortgage_on_contract_in_force(conn: BaseDBAsyncClient, contract_id: int | None) -> bool:
    """An advance mortgage resting on the advance notice of this contract."""
    if contract_id is None:
        return False
    return (
        await Registration.filter(
            contract_id=contract_id, kind=RegistrationKind.ADVANCE_MORTGAGE, right_status=RightStatus.IN_FORCE
        )
        .using_db(conn)
        .exists()
    )
