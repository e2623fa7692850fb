"""Correction registration (更正登记) of an ownership right in force, DESIGN §7.

A holder (BUYER, face) or a REGISTRAR applies; a REGISTRAR decides (decideRegistration). On
approval the property's recorded facts change, a new ownership registration and certificate
carry them, and the old registration (so its certificate) becomes HISTORIC, superseded.
Deed tax already paid is not touched.
"""

from __future__ import annotations

from decimal import Decimal

from domain import eventlog, sql
from domain.canonical import to_jsonable
from domain.enums import (
    CertificateKind,
    EventType,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Party, Property, Registration, SharedPersonRecord
from domain.rules import validation
from domain.rules.correction import (
    ADDRESS,
    BUILDING_AREA,
    HOLDER_NAME,
    Recorded,
    checked_corrections,
    correction_checks,
)
from domain.services.applications import (
    complete_with_proof,
    decision_payload,
    inserted_registration,
    locked_registration,
    party_ids,
    registration_parties,
    require_signing_method,
    rule_checks,
    save_decision,
    visible_registration,
)
from domain.services.context import UseCase
from domain.services.ownership import certificate_event, completed_event, end_right
from domain.unit_of_work import UnitOfWork

OWNERSHIP = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=registration.property_id, contract_id=registration.contract_id, registration_id=registration.id
    )


async def _recorded(uow: UnitOfWork, prop: Property, holders: list[int]) -> Recorded:
    parties = await Party.filter(id__in=holders).using_db(uow.conn)
    shared = dict(
        await SharedPersonRecord.filter(id_number__in=[p.id_number for p in parties])
        .using_db(uow.conn)
        .values_list("id_number", "name")
    )
    return Recorded(prop.building_area, prop.address, {p.id: (p.name, shared.get(p.id_number)) for p in parties})


async def apply_correction_registration(
    use_case: UseCase, registration_id: int, corrections: list[tuple[str, str]], reason: str
) -> Registration:
    use_case.require_role(Role.BUYER, Role.REGISTRAR, action="apply for correction registration")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await visible_registration(use_case, registration_id)
    async with use_case.unit_of_work() as uow:
        prop, target = await locked_registration(uow, found)
        holders = await party_ids(uow, target.id, RegistrationPartyRole.RIGHT_HOLDER)
        if use_case.viewer.role == Role.BUYER:
            if use_case.viewer.party_id not in holders:
                raise DomainError("FORBIDDEN", "only a holder of the right (or a registrar) applies to correct it")
            require_signing_method(use_case)
        if target.kind not in OWNERSHIP or target.right_status != RightStatus.IN_FORCE:
            raise DomainError(
                "INVALID_STATE", "only an ownership right in force is corrected", ["input", "registrationId"]
            )
        recorded = await _recorded(uow, prop, holders)
        checked = checked_corrections(corrections, recorded)
        checks = correction_checks(checked, recorded)
        if (
            await Registration.filter(
                kind=RegistrationKind.CORRECTION, property_id=prop.id, status=RegistrationStatus.IN_REVIEW
            )
            .using_db(uow.conn)
            .exists()
        ):
            raise DomainError(
                "DUPLICATE", "a correction of this property awaits its decision already", ["input", "registrationId"]
            )
        now = use_case.now()
        form = to_jsonable(
            {
                "registrationType": "更正登记",
                "corrects": {"registrationId": target.id, "number": target.number},
                "unitCode": prop.unit_code,
                "reason": reason,
                "recorded": {BUILDING_AREA: prop.building_area, ADDRESS: prop.address},
                "corrections": {
                    k: ({str(p): n for p, n in v.items()} if k == HOLDER_NAME else v) for k, v in checked.items()
                },
            }
        )
        correction = await inserted_registration(
            uow,
            kind=RegistrationKind.CORRECTION,
            status=RegistrationStatus.IN_REVIEW,
            right_status=RightStatus.PENDING,
            property_id=prop.id,
            contract_id=target.contract_id,
            application_form=form,
            created_at=now,
            submitted_at=now,
        )
        await uow.write(*rule_checks(correction.id, checks))
        if use_case.viewer.role == Role.BUYER:
            await uow.write(
                *registration_parties(correction.id, RegistrationPartyRole.APPLICANT, [use_case.require_party()])
            )
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_IN_REVIEW,
                _refs(correction),
                {
                    "registrationId": correction.id,
                    "kind": correction.kind,
                    "corrects": target.id,
                    "corrections": form["corrections"],
                    "failedChecks": [c.rule for c in checks if not c.passed],
                },
            )
        )
        await uow.commit()
    return correction


async def approve_correction(
    uow: UnitOfWork, use_case: UseCase, correction: Registration, prop: Property
) -> list[eventlog.NewEvent]:
    """The register takes the corrected facts: a new ownership registration and certificate."""
    target = await uow.lock(Registration, int(correction.application_form["corrects"]["registrationId"]))
    assert target is not None  # registrations are never deleted
    if target.right_status != RightStatus.IN_FORCE:
        raise DomainError("INVALID_STATE", "the corrected right is no longer in force", ["input", "registrationId"])
    corrections = correction.application_form["corrections"]
    if BUILDING_AREA in corrections or ADDRESS in corrections:
        if BUILDING_AREA in corrections:
            prop.building_area = Decimal(corrections[BUILDING_AREA])
        prop.address = corrections.get(ADDRESS, prop.address)
        await uow.write(sql.update(Property, prop.id, {"building_area": prop.building_area, "address": prop.address}))
    # At once: the new certificate reads the holders' names.
    await uow.execute(
        *[
            sql.update(Party, int(party_id), {"name": name})
            for party_id, name in corrections.get(HOLDER_NAME, {}).items()
        ]
    )
    holders = await party_ids(uow, target.id, RegistrationPartyRole.RIGHT_HOLDER)
    applicants = await party_ids(uow, correction.id, RegistrationPartyRole.APPLICANT)
    await end_right(uow, target)
    now = use_case.now()
    successor = await inserted_registration(
        uow,
        kind=target.kind,
        status=RegistrationStatus.COMPLETED,
        right_status=RightStatus.PENDING,
        property_id=prop.id,
        contract_id=target.contract_id,
        converted_from_id=target.id,
        decided_by=correction.decided_by,
        submitted_at=now,
        application_form={
            "registrationType": "更正登记(更正后的所有权)",
            "correction": correction.id,
            "corrects": target.number,
            "unitCode": prop.unit_code,
        },
        created_at=now,
    )
    await uow.write(
        *registration_parties(successor.id, RegistrationPartyRole.RIGHT_HOLDER, holders),
        *registration_parties(successor.id, RegistrationPartyRole.APPLICANT, applicants),
    )
    # The certificate counter is a hot row: taken last.
    certificate = await complete_with_proof(
        uow,
        use_case,
        successor,
        prop,
        holders,
        {"right": "国有建设用地使用权/房屋所有权", "corrects": target.number},
        kind=CertificateKind.OWNERSHIP_CERTIFICATE,
    )
    correction.status, correction.right_status, correction.completed_at = (
        RegistrationStatus.COMPLETED,
        RightStatus.IN_FORCE,
        now,
    )
    await uow.write(save_decision(correction))
    return [
        completed_event(correction, corrects=target.id, corrections=corrections, **decision_payload(correction)),
        completed_event(successor, convertedFrom=target.id, correction=correction.id),
        certificate_event(successor, certificate),
    ]
