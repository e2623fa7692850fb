"""Correction registration (更正登记) of an ownership right in force, DESIGN §7.

A holder (BUYER, face) or a REGISTRAR applies; a REGISTRAR decides (decideRegistration). On
approval the property's recorded facts change, a new ownership registration and certificate
carry them, and the old registration (so its certificate) becomes HISTORIC, superseded.
Deed tax already paid is not touched.
"""
from __future__ import annotations

from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain import eventlog
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
from domain.models import Party, Property, Registration, RegistrationParty, SharedPersonRecord
from domain.rules import validation
from domain.rules.correction import ADDRESS, BUILDING_AREA, HOLDER_NAME, Recorded, checked_corrections
from domain.services.applications import complete_with_proof, decision_payload, party_ids, require_signing_method, visible_registration
from domain.services.context import UseCase
from domain.services.ownership import certificate_event, completed_event, end_right

OWNERSHIP = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(property_id=registration.property_id, contract_id=registration.contract_id,
                              registration_id=registration.id)


async def _recorded(conn: BaseDBAsyncClient, prop: Property, holders: list[int]) -> Recorded:
    parties = await Party.filter(id__in=holders).using_db(conn)
    shared = dict(await SharedPersonRecord.filter(id_number__in=[p.id_number for p in parties]).using_db(conn)
                  .values_list("id_number", "name"))
    return Recorded(prop.building_area, prop.address, {p.id: (p.name, shared.get(p.id_number)) for p in parties})


async def apply_correction_registration(use_case: UseCase, registration_id: int, corrections: list[tuple[str, str]],
                                        reason: str) -> Registration:
    use_case.require_role(Role.BUYER, Role.REGISTRAR, action="apply for correction registration")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await visible_registration(use_case, registration_id)
    async with in_transaction() as conn:
        prop = await Property.select_for_update().using_db(conn).get(id=found.property_id)
        target = await Registration.select_for_update().using_db(conn).get(id=found.id)
        holders = await party_ids(conn, target.id, RegistrationPartyRole.RIGHT_HOLDER)
        if use_case.viewer.role == Role.BUYER:
            if use_case.viewer.party_id not in holders:
                raise DomainError("FORBIDDEN", "only a holder of the right (or a registrar) applies to correct it")
            require_signing_method(use_case)
        if target.kind not in OWNERSHIP or target.right_status != RightStatus.IN_FORCE:
            raise DomainError("INVALID_STATE", "only an ownership right in force is corrected", ["input", "registrationId"])
        checked = checked_corrections(corrections, await _recorded(conn, prop, holders))
        if await Registration.filter(kind=RegistrationKind.CORRECTION, property_id=prop.id,
                                     status=RegistrationStatus.IN_REVIEW).using_db(conn).exists():
            raise DomainError("DUPLICATE", "a correction of this property awaits its decision already", ["input", "registrationId"])
        now = use_case.now()
        form = to_jsonable({"registrationType": "更正登记", "corrects": {"registrationId": target.id, "number": target.number},
                            "unitCode": prop.unit_code, "reason": reason,
                            "recorded": {BUILDING_AREA: prop.building_area, ADDRESS: prop.address},
                            "corrections": {k: ({str(p): n for p, n in v.items()} if k == HOLDER_NAME else v) for k, v in checked.items()}})
        correction = await Registration.create(
            kind=RegistrationKind.CORRECTION, status=RegistrationStatus.IN_REVIEW, right_status=RightStatus.PENDING,
            property_id=prop.id, contract_id=target.contract_id, application_form=form, created_at=now, submitted_at=now,
            using_db=conn)
        if use_case.viewer.role == Role.BUYER:
            await RegistrationParty.create(registration_id=correction.id, party_id=use_case.viewer.party_id,
                                           role=RegistrationPartyRole.APPLICANT, position=0, using_db=conn)
        await eventlog.append(conn, now, [eventlog.NewEvent(EventType.REGISTRATION_IN_REVIEW, _refs(correction), {
            "registrationId": correction.id, "kind": correction.kind, "corrects": target.id, "corrections": form["corrections"]})])
    return correction


async def approve_correction(conn: BaseDBAsyncClient, use_case: UseCase, correction: Registration, prop: Property) -> list[eventlog.NewEvent]:
    """The register takes the corrected facts: a new ownership registration and certificate."""
    target = await Registration.select_for_update().using_db(conn).get(id=correction.application_form["corrects"]["registrationId"])
    if target.right_status != RightStatus.IN_FORCE:
        raise DomainError("INVALID_STATE", "the corrected right is no longer in force", ["input", "registrationId"])
    corrections = correction.application_form["corrections"]
    if BUILDING_AREA in corrections or ADDRESS in corrections:
        if BUILDING_AREA in corrections:
            prop.building_area = Decimal(corrections[BUILDING_AREA])
        prop.address = corrections.get(ADDRESS, prop.address)
        await prop.save(using_db=conn, update_fields=["building_area", "address"])
    for party_id, name in corrections.get(HOLDER_NAME, {}).items():
        await Party.filter(id=int(party_id)).using_db(conn).update(name=name)
    holders = await party_ids(conn, target.id, RegistrationPartyRole.RIGHT_HOLDER)
    applicants = await party_ids(conn, correction.id, RegistrationPartyRole.APPLICANT)
    await end_right(conn, target)
    now = use_case.now()
    successor = await Registration.create(
        kind=target.kind, status=RegistrationStatus.COMPLETED, right_status=RightStatus.PENDING, property_id=prop.id,
        contract_id=target.contract_id, converted_from_id=target.id, decided_by=correction.decided_by, submitted_at=now,
        application_form={"registrationType": "更正登记(更正后的所有权)", "correction": correction.id, "corrects": target.number,
                          "unitCode": prop.unit_code},
        created_at=now, using_db=conn)
    await RegistrationParty.bulk_create(
        [RegistrationParty(registration_id=successor.id, party_id=p, role=RegistrationPartyRole.RIGHT_HOLDER, position=i)
         for i, p in enumerate(holders)]
        + [RegistrationParty(registration_id=successor.id, party_id=p, role=RegistrationPartyRole.APPLICANT, position=i)
           for i, p in enumerate(applicants)], using_db=conn)
    certificate = await complete_with_proof(conn, use_case, successor, prop, holders,
                                            {"right": "国有建设用地使用权/房屋所有权", "corrects": target.number},
                                            kind=CertificateKind.OWNERSHIP_CERTIFICATE)
    correction.status, correction.right_status, correction.completed_at = RegistrationStatus.COMPLETED, RightStatus.IN_FORCE, now
    await correction.save(using_db=conn, update_fields=["status", "right_status", "completed_at", "decided_by", "decision_reason",
                                                        "decider_subject", "decided_at"])
    return [completed_event(correction, corrects=target.id, corrections=corrections, **decision_payload(correction)),
            completed_event(successor, convertedFrom=target.id, correction=correction.id),
            certificate_event(successor, certificate)]
