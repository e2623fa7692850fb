"""Review by a person (转人工审核) and a second application (补正), DESIGN §7.

decideRegistration is the registrar's decision on an application in IN_REVIEW: an advance
notice the instant decision could not approve alone, or a correction (`correction`). withdrawRegistration
ends an undecided application at its applicant's request; reapplyAdvanceRegistration
generates a new advance notice application for a filed contract whose last one was
rejected or withdrawn.
"""
from __future__ import annotations

from tortoise.transactions import in_transaction

from domain import eventlog, visibility
from domain.enums import (
    ContractStatus,
    EventType,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Contract, ContractBuyer, Property, Registration, RegistrationParty
from domain.rules import validation
from domain.services import encumbrances
from domain.services.applications import (
    DECISION_FIELDS,
    complete_with_proof,
    decision_payload,
    party_ids,
    record_decision,
    require_applicant,
    undecided,
    visible_registration,
)
from domain.services.context import UseCase
from domain.services.correction import approve_correction
from domain.services.ownership import certificate_event, completed_event
from domain.services.property_status import refresh_property_status


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(property_id=registration.property_id, contract_id=registration.contract_id,
                              registration_id=registration.id, mortgage_id=registration.mortgage_id)


async def decide_registration(use_case: UseCase, registration_id: int, approve: bool, reason: str) -> Registration:
    use_case.require_role(Role.REGISTRAR, action="decide registrations in review")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await visible_registration(use_case, registration_id)
    async with in_transaction() as conn:
        prop = await Property.select_for_update().using_db(conn).get(id=found.property_id)
        registration = await Registration.select_for_update().using_db(conn).get(id=found.id)
        if registration.status != RegistrationStatus.IN_REVIEW:
            raise DomainError("INVALID_STATE", f"the application is {registration.status.value.lower()}, not in review",
                              ["input", "registrationId"])
        record_decision(use_case, registration, reason)
        if not approve:
            registration.status = RegistrationStatus.REJECTED
            await registration.save(using_db=conn, update_fields=DECISION_FIELDS)
            events = [eventlog.NewEvent(EventType.REGISTRATION_REJECTED, _refs(registration), {
                "registrationId": registration.id, "kind": registration.kind, **decision_payload(registration)})]
        elif registration.kind == RegistrationKind.ADVANCE_NOTICE:
            events = await _approve_advance_notice(conn, use_case, registration, prop)
        elif registration.kind == RegistrationKind.CORRECTION:
            events = await approve_correction(conn, use_case, registration, prop)
        else:
            raise DomainError("INVALID_STATE", f"a {registration.kind.value.lower()} is not decided by a person", ["input", "registrationId"])
        await eventlog.append(conn, use_case.now(), events)
    return registration


async def _approve_advance_notice(conn, use_case: UseCase, registration: Registration, prop: Property) -> list[eventlog.NewEvent]:
    """A person may judge identities and answers, never the hard rules: those are checked again now."""
    contract = await Contract.get(id=registration.contract_id).using_db(conn)
    if contract.status != ContractStatus.FILED:
        raise DomainError("INVALID_STATE", "the sales contract is no longer filed", ["input", "registrationId"])
    if await encumbrances.seizure_in_force(conn, prop.id, use_case.today()):
        raise DomainError("ENCUMBERED", "the property is seized (查封)")
    if await encumbrances.advance_notice_in_force(conn, prop.id, except_registration_id=registration.id):
        raise DomainError("ALREADY_SOLD", "another advance notice on this property is in force")
    holders = await party_ids(conn, registration.id, RegistrationPartyRole.RIGHT_HOLDER)
    certificate = await complete_with_proof(conn, use_case, registration, prop, holders, {
        "right": "预购商品房预告登记", "contractNumber": registration.application_form.get("contractNumber")})
    await refresh_property_status(conn, prop)
    return [completed_event(registration, unitCode=prop.unit_code, **decision_payload(registration)),
            certificate_event(registration, certificate)]


async def withdraw_registration(use_case: UseCase, registration_id: int, reason: str) -> Registration:
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="withdraw applications")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await visible_registration(use_case, registration_id)
    async with in_transaction() as conn:
        await Property.select_for_update().using_db(conn).get(id=found.property_id)
        registration = await Registration.select_for_update().using_db(conn).get(id=found.id)
        require_applicant(use_case, await party_ids(conn, registration.id, RegistrationPartyRole.APPLICANT))
        undecided(registration)
        registration.status = RegistrationStatus.WITHDRAWN
        await registration.save(using_db=conn, update_fields=["status"])
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.REGISTRATION_WITHDRAWN, _refs(registration), {
            "registrationId": registration.id, "kind": registration.kind, "reason": reason,
            "by": use_case.viewer.party_id_number})])
    return registration


async def reapply_advance_registration(use_case: UseCase, contract_id: int) -> Registration:
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="apply again for advance notice registration")
    found = await visibility.contracts(use_case.viewer, Contract.filter(id=contract_id)).first()
    if found is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    buyers = list(await ContractBuyer.filter(contract_id=found.id).order_by("position").values_list("party_id", flat=True))
    party = use_case.viewer.party_id
    if party is None or (party not in buyers if use_case.viewer.role == Role.BUYER else party != found.seller_id):
        raise DomainError("FORBIDDEN", "only the seller or a buyer of the contract applies again")
    async with in_transaction() as conn:
        await Property.select_for_update().using_db(conn).get(id=found.property_id)
        contract = await Contract.get(id=found.id).using_db(conn)
        if contract.status != ContractStatus.FILED:
            raise DomainError("INVALID_STATE", f"the contract is {contract.status.value.lower()}, not filed", ["input", "contractId"])
        previous = await Registration.filter(contract_id=contract.id, kind=RegistrationKind.ADVANCE_NOTICE).using_db(conn).order_by("-id").first()
        if previous is None or previous.status not in (RegistrationStatus.REJECTED, RegistrationStatus.WITHDRAWN):
            state = previous.status.value.lower() if previous else "missing"
            raise DomainError("INVALID_STATE", f"the advance notice application is {state}: only a rejected or withdrawn one is applied for again",
                              ["input", "contractId"])
        now = use_case.now()
        registration = await Registration.create(
            kind=RegistrationKind.ADVANCE_NOTICE, status=RegistrationStatus.AWAITING_SIGNATURE, right_status=RightStatus.PENDING,
            property_id=contract.property_id, contract_id=contract.id, application_form=previous.application_form,
            created_at=now, using_db=conn)
        old_parties = await RegistrationParty.filter(registration_id=previous.id).using_db(conn).order_by("role", "position")
        await RegistrationParty.bulk_create([
            RegistrationParty(registration_id=registration.id, party_id=p.party_id, role=p.role, position=p.position)
            for p in old_parties], using_db=conn)
        await eventlog.append(conn, now, [eventlog.NewEvent(EventType.REGISTRATION_SUBMITTED, _refs(registration), {
            "registrationId": registration.id, "kind": registration.kind, "reappliedAfter": previous.id,
            "by": use_case.viewer.party_id_number, "status": registration.status})])
    return registration
