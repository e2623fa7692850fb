"""First registration to the developer, and the transfer to the buyers (预告转本, DESIGN §2 step 9).

A transfer completes at once when the contract is filed, the building is first-registered, the
deed tax is paid and nothing is seized; `convert_if_ready` is called by every event that can
remove the last obstacle (the application itself, the last tax payment, a seizure's release or
lapse), always inside the caller's transaction and with the property row locked.
"""
from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from domain import eventlog
from domain.enums import (
    CertificateKind,
    ContractStatus,
    Decider,
    EventType,
    MortgageStatus,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
)
from domain.models import (
    Contract,
    ContractBuyer,
    Mortgage,
    MortgageBorrower,
    Party,
    Property,
    Registration,
    RegistrationParty,
    TaxRecord,
)
from domain.rules.ownership import TransferFacts, deed_tax_settled, transfer_blocker
from domain.services import encumbrances
from domain.services.certificates import issue_certificate
from domain.services.context import UseCase
from domain.services.property_status import refresh_property_status


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(property_id=registration.property_id, contract_id=registration.contract_id,
                              registration_id=registration.id, mortgage_id=registration.mortgage_id)


def completed_event(registration: Registration, **extra) -> eventlog.NewEvent:
    payload = {"registrationId": registration.id, "kind": registration.kind, "number": registration.number,
               "decidedBy": registration.decided_by, **extra}
    return eventlog.NewEvent(EventType.REGISTRATION_COMPLETED, _refs(registration), payload)


def certificate_event(registration: Registration, certificate) -> eventlog.NewEvent:
    payload = {"certificateId": certificate.id, "number": certificate.number, "kind": certificate.kind,
               "contentHash": certificate.content_hash}
    return eventlog.NewEvent(EventType.CERTIFICATE_ISSUED, _refs(registration), payload)


async def completed_registration(
    conn: BaseDBAsyncClient, now: datetime, kind: RegistrationKind, prop_id: int, holders: list[int], applicants: list[int],
    form: dict, decided_by: Decider = Decider.SYSTEM, **links,
) -> Registration:
    """A registration decided and in force at once, with its parties."""
    registration = await Registration.create(
        kind=kind, status=RegistrationStatus.COMPLETED, right_status=RightStatus.IN_FORCE, property_id=prop_id,
        application_form=form, decided_by=decided_by, submitted_at=now, completed_at=now, using_db=conn, **links,
    )
    await RegistrationParty.bulk_create(
        [RegistrationParty(registration_id=registration.id, party_id=p, role=RegistrationPartyRole.RIGHT_HOLDER, position=i)
         for i, p in enumerate(holders)]
        + [RegistrationParty(registration_id=registration.id, party_id=p, role=RegistrationPartyRole.APPLICANT, position=i)
           for i, p in enumerate(applicants)],
        using_db=conn,
    )
    return registration


async def end_right(conn: BaseDBAsyncClient, registration: Registration, status: RightStatus = RightStatus.HISTORIC) -> None:
    registration.right_status = status
    await registration.save(using_db=conn, update_fields=["right_status"])


async def convert_if_ready(conn: BaseDBAsyncClient, use_case: UseCase, prop: Property) -> list[eventlog.NewEvent]:
    """Transfer the property to the buyers of its filed contract if nothing stands in the way."""
    contract = await Contract.get_or_none(property_id=prop.id, status=ContractStatus.FILED).using_db(conn)
    if contract is None:
        return []
    first = await Registration.get_or_none(
        property_id=prop.id, kind=RegistrationKind.FIRST_OWNERSHIP, right_status=RightStatus.IN_FORCE
    ).using_db(conn)
    buyer_ids = await ContractBuyer.filter(contract_id=contract.id).using_db(conn).order_by("position").values_list("party_id", flat=True)
    facts = TransferFacts(
        contract_filed=True,
        tax_settled=deed_tax_settled(buyer_ids, await TaxRecord.filter(contract_id=contract.id).using_db(conn).values_list("taxpayer_id", "status")),
        seizure_in_force=await encumbrances.seizure_in_force(conn, prop.id, use_case.today()),
        first_registered=first is not None,
        already_transferred=await Registration.filter(contract_id=contract.id, kind=RegistrationKind.TRANSFER).using_db(conn).exists(),
    )
    if transfer_blocker(facts) is not None:
        return []
    return await _transfer(conn, use_case, contract, prop, first, list(buyer_ids))


async def _transfer(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract, prop: Property,
                    first: Registration, buyer_ids: list[int]) -> list[eventlog.NewEvent]:
    now = use_case.now()
    notice = await Registration.get_or_none(
        contract_id=contract.id, kind=RegistrationKind.ADVANCE_NOTICE, right_status=RightStatus.IN_FORCE
    ).using_db(conn)
    form = {"registrationType": "转移登记(首次转移)", "contractNumber": contract.number, "unitCode": prop.unit_code,
            "fromFirstOwnership": first.id, "advanceNotice": notice.number if notice else None}
    transfer = await completed_registration(
        conn, now, RegistrationKind.TRANSFER, prop.id, buyer_ids, [contract.seller_id, *buyer_ids], form,
        contract_id=contract.id, converted_from_id=notice.id if notice else None,
    )
    if notice is not None:
        await end_right(conn, notice)
    await end_right(conn, first)
    holders = await Party.filter(id__in=buyer_ids).using_db(conn)
    certificate = await issue_certificate(
        conn, use_case, transfer, CertificateKind.OWNERSHIP_CERTIFICATE, sorted(holders, key=lambda p: buyer_ids.index(p.id)), prop,
        {"right": "国有建设用地使用权/房屋所有权", "contractNumber": contract.number},
    )
    await transfer.save(using_db=conn, update_fields=["number"])
    events = [completed_event(transfer, convertedFrom=notice.id if notice else None), certificate_event(transfer, certificate)]
    events += await _convert_advance_mortgage(conn, use_case, contract, prop)
    await refresh_property_status(conn, prop)
    return events


async def _convert_advance_mortgage(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract, prop: Property) -> list[eventlog.NewEvent]:
    """预告抵押 becomes 抵押权 once the buyers own the home."""
    mortgage = await Mortgage.get_or_none(contract_id=contract.id, status=MortgageStatus.ADVANCE_REGISTERED).using_db(conn)
    if mortgage is None:
        return []
    advance = await Registration.get_or_none(
        mortgage_id=mortgage.id, kind=RegistrationKind.ADVANCE_MORTGAGE, right_status=RightStatus.IN_FORCE
    ).using_db(conn)
    if advance is None:
        return []
    borrowers = await MortgageBorrower.filter(mortgage_id=mortgage.id).using_db(conn).order_by("position").values_list("party_id", flat=True)
    registration = await completed_registration(
        conn, use_case.now(), RegistrationKind.MORTGAGE, prop.id, [mortgage.lender_id], [mortgage.lender_id, *borrowers],
        {"registrationType": "抵押权登记(预告抵押转现)", "principal": str(mortgage.principal), "termMonths": mortgage.term_months},
        contract_id=contract.id, mortgage_id=mortgage.id, converted_from_id=advance.id,
    )
    await end_right(conn, advance)
    lender = await Party.get(id=mortgage.lender_id).using_db(conn)
    certificate = await issue_certificate(conn, use_case, registration, CertificateKind.REGISTRATION_PROOF, [lender], prop,
                                          {"right": "抵押权", "principal": str(mortgage.principal)})
    await registration.save(using_db=conn, update_fields=["number"])
    mortgage.status = MortgageStatus.REGISTERED
    await mortgage.save(using_db=conn, update_fields=["status"])
    return [completed_event(registration, convertedFrom=advance.id), certificate_event(registration, certificate)]
