"""Objection registration (异议登记, 民法典 220), DESIGN §7.

A REGISTRAR registers the objection of a person who claims the register is wrong; it is in
force at once and blocks transfers, first registration and new mortgages of the property
(ENCUMBERED). It lapses 15 days after registration (the sweep, `time_rules`) unless a lawsuit
is recorded, and otherwise ends with a cancellation (`cancellation`).
"""

from __future__ import annotations

from domain import eventlog, sql
from domain.enums import CertificateKind, Decider, EventType, PartyKind, RegistrationKind, RightStatus, Role
from domain.errors import DomainError
from domain.models import Party, Property, Registration
from domain.rules import identity, validation
from domain.services.applications import visible_registration
from domain.services.certificates import issue_certificate
from domain.services.context import UseCase
from domain.services.ownership import certificate_event, completed_event, completed_registration
from domain.services.parties import person_parties_from_shared_records


async def register_objection(use_case: UseCase, property_id: int, applicant_id_number: str, claim: str) -> Registration:
    use_case.require_role(Role.REGISTRAR, action="register objections")
    number = identity.resident_id(applicant_id_number, ["input", "applicantIdNumber"])
    claim = validation.required_text(claim, ["input", "claim"], 2000)
    found = await person_parties_from_shared_records([number], use_case.now())
    if not found or found[0].kind != PartyKind.PERSON:
        raise DomainError(
            "NOT_FOUND",
            "no person with this ID number is known to the platform or the shared population data",
            ["input", "applicantIdNumber"],
        )
    applicant: Party = found[0]
    async with use_case.unit_of_work() as uow:
        prop = await uow.lock(Property, property_id)
        if prop is None:
            raise DomainError("NOT_FOUND", "no such property", ["input", "propertyId"])
        form = {
            "registrationType": "异议登记",
            "unitCode": prop.unit_code,
            "claim": claim,
            "applicant": {"name": applicant.name, "idNumber": applicant.id_number},
        }
        now = use_case.now()
        objection = await completed_registration(
            uow,
            now,
            RegistrationKind.OBJECTION,
            prop.id,
            [applicant.id],
            [applicant.id],
            form,
            decided_by=Decider.REGISTRAR,
            decider_subject=use_case.viewer.subject,
            decided_at=now,
        )
        # The certificate counter is a hot row: taken last.
        certificate = await issue_certificate(
            uow,
            use_case,
            objection,
            CertificateKind.REGISTRATION_PROOF,
            [applicant],
            prop,
            {"right": "异议登记", "claim": claim},
        )
        await uow.write(sql.update(Registration, objection.id, {"number": objection.number}))
        await uow.record(
            completed_event(objection, claim=claim, applicant=applicant.id_number),
            certificate_event(objection, certificate),
        )
        await uow.commit()
    return objection


async def record_objection_lawsuit(use_case: UseCase, registration_id: int, case_number: str) -> Registration:
    use_case.require_role(Role.REGISTRAR, action="record lawsuits on objections")
    case = validation.required_text(case_number, ["input", "caseNumber"], 100)
    found = await visible_registration(use_case, registration_id)
    if found.kind != RegistrationKind.OBJECTION:
        raise DomainError("NOT_FOUND", "no such objection", ["input", "registrationId"])
    async with use_case.unit_of_work() as uow:
        objection = await uow.lock(Registration, found.id)
        assert objection is not None  # registrations are never deleted
        if objection.right_status != RightStatus.IN_FORCE:
            raise DomainError(
                "INVALID_STATE",
                f"the objection is {objection.right_status.value.lower()}",
                ["input", "registrationId"],
            )
        if objection.lawsuit_case_number is not None:
            raise DomainError(
                "DUPLICATE", f"a lawsuit is recorded already ({objection.lawsuit_case_number})", ["input", "caseNumber"]
            )
        objection.lawsuit_case_number = case
        await uow.write(sql.update(Registration, objection.id, {"lawsuit_case_number": case}))
        refs = eventlog.EventRefs(property_id=objection.property_id, registration_id=objection.id)
        await uow.record(
            eventlog.NewEvent(
                EventType.OBJECTION_LAWSUIT_RECORDED, refs, {"registrationId": objection.id, "caseNumber": case}
            )
        )
        await uow.commit()
    return objection
