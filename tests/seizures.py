"""A court's seizure written straight to the register (registerSeizure is a later mutation)."""

from __future__ import annotations

from datetime import date

from domain.enums import RegistrationKind, RegistrationStatus, RightStatus
from domain.models import Registration
from resolvers.ids import from_global_id


async def seize(property_global_id: str, until: date = date(2099, 1, 1)) -> Registration:
    return await Registration.create(
        kind=RegistrationKind.SEIZURE,
        status=RegistrationStatus.COMPLETED,
        right_status=RightStatus.IN_FORCE,
        property_id=from_global_id(property_global_id)[1],
        effective_until=until,
        application_form={"court": "息县人民法院", "documentNumber": "(2026)豫1528执100号"},
    )
