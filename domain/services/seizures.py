"""registerSeizure and releaseSeizure: a court's 查封, registered at once (DESIGN §2 step 10)."""

from __future__ import annotations

from datetime import date

from domain.enums import Decider, RegistrationKind, RightStatus, Role
from domain.errors import DomainError
from domain.models import Property, Registration
from domain.rules import validation
from domain.services.completion import complete_if_ready
from domain.services.context import UseCase
from domain.services.ownership import completed_event, completed_registration, end_right
from domain.services.property_status import property_status_update


async def register_seizure(
    use_case: UseCase, property_id: int, court: str, document_number: str, until: date
) -> Registration:
    use_case.require_role(Role.REGISTRAR, action="register seizures")
    court = validation.required_text(court, ["input", "court"])
    document = validation.required_text(document_number, ["input", "documentNumber"], 100)
    if until < use_case.today():
        raise DomainError("INVALID_INPUT", "a seizure cannot end before today", ["input", "until"])
    async with use_case.unit_of_work() as uow:
        # The property row lock orders a seizure against a transfer of the same home.
        prop = await uow.lock(Property, property_id)
        if prop is None:
            raise DomainError("NOT_FOUND", "no such property", ["input", "propertyId"])
        form = {"registrationType": "查封登记", "court": court, "documentNumber": document, "until": until.isoformat()}
        seizure = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.SEIZURE,
            prop.id,
            [],
            [],
            form,
            decided_by=Decider.REGISTRAR,
            effective_until=until,
        )
        await uow.record(completed_event(seizure, court=court, documentNumber=document, until=until))
        await uow.commit()
    return seizure


async def release_seizure(use_case: UseCase, registration_id: int, document_number: str) -> Registration:
    use_case.require_role(Role.REGISTRAR, action="release seizures")
    document = validation.required_text(document_number, ["input", "documentNumber"], 100)
    found = await Registration.get_or_none(id=registration_id, kind=RegistrationKind.SEIZURE)
    if found is None:
        raise DomainError("NOT_FOUND", "no such seizure", ["input", "registrationId"])
    async with use_case.unit_of_work() as uow:
        prop = await uow.lock(Property, found.property_id)
        seizure = await uow.lock(Registration, found.id)
        assert prop is not None and seizure is not None  # neither is ever deleted
        if seizure.right_status != RightStatus.IN_FORCE:
            raise DomainError(
                "INVALID_STATE",
                f"the seizure is {seizure.right_status.value.lower()} already",
                ["input", "registrationId"],
            )
        await end_right(uow, seizure)
        form = {"registrationType": "解封登记", "seizure": seizure.id, "documentNumber": document}
        release = await completed_registration(
            uow, use_case.now(), RegistrationKind.SEIZURE_RELEASE, prop.id, [], [], form, decided_by=Decider.REGISTRAR
        )
        transferred = await complete_if_ready(uow, use_case, prop)
        await uow.write(*await property_status_update(uow, prop))
        await uow.record(completed_event(release, releases=seizure.id, documentNumber=document), *transferred)
        await uow.commit()
    return release
