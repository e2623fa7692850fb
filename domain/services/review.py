"""Review by a person (转人工审核) and a second application (补正), DESIGN §7.

decideRegistration is the registrar's decision on an application in IN_REVIEW: an advance
notice the instant decision could not approve alone, or a correction (`correction`). withdrawRegistration
ends an undecided application at its applicant's request; reapplyAdvanceRegistration
generates a new advance notice application for a filed contract whose last one was
rejected or withdrawn.
"""

from __future__ import annotations

from domain import eventlog, sql, visibility
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
from domain.rules.property_status import derive_status
from domain.services import encumbrances
from domain.services.applications import (
    complete_with_proof,
    decision_payload,
    inserted_registration,
    locked_registration,
    party_ids,
    record_decision,
    require_applicant,
    save_decision,
    undecided,
    visible_registration,
)
from domain.services.context import UseCase
from domain.services.correction import approve_correction
from domain.services.ownership import certificate_event, completed_event
from domain.services.transfer import decide_transfer
from domain.unit_of_work import UnitOfWork


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=registration.property_id,
        contract_id=registration.contract_id,
        registration_id=registration.id,
        mortgage_id=registration.mortgage_id,
    )


async def decide_registration(use_case: UseCase, registration_id: int, approve: bool, reason: str) -> Registration:
    use_case.require_role(Role.REGISTRAR, action="decide registrations in review")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await visible_registration(use_case, registration_id)
    async with use_case.unit_of_work() as uow:
        prop, registration = await locked_registration(uow, found)
        if registration.status != RegistrationStatus.IN_REVIEW:
            raise DomainError(
                "INVALID_STATE",
                f"the application is {registration.status.value.lower()}, not in review",
                ["input", "registrationId"],
            )
        if approve and registration.kind not in (
            RegistrationKind.ADVANCE_NOTICE,
            RegistrationKind.CORRECTION,
            RegistrationKind.TRANSFER,
        ):
            raise DomainError(
                "INVALID_STATE",
                f"a {registration.kind.value.lower()} is not decided by a person",
                ["input", "registrationId"],
            )
        record_decision(use_case, registration, reason)
        if not approve:
            registration.status = RegistrationStatus.REJECTED
            await uow.write(save_decision(registration))
            events = [
                eventlog.NewEvent(
                    EventType.REGISTRATION_REJECTED,
                    _refs(registration),
                    {"registrationId": registration.id, "kind": registration.kind, **decision_payload(registration)},
                )
            ]
        elif registration.kind == RegistrationKind.ADVANCE_NOTICE:
            events = await _approve_advance_notice(uow, use_case, registration, prop)
        elif registration.kind == RegistrationKind.TRANSFER:
            # A resale's transfer (DESIGN §7): completes now, or waits for its payments.
            events = await decide_transfer(uow, use_case, registration, prop)
        else:
            events = await approve_correction(uow, use_case, registration, prop)
        await uow.record(*events)
        await uow.commit()
    return registration


async def _approve_advance_notice(
    uow: UnitOfWork, use_case: UseCase, registration: Registration, prop: Property
) -> list[eventlog.NewEvent]:
    """A person may judge identities and answers, never the hard rules: those are checked again now."""
    contract = await Contract.filter(id=registration.contract_id).using_db(uow.conn).get()
    if contract.status != ContractStatus.FILED:
        raise DomainError("INVALID_STATE", "the sales contract is no longer filed", ["input", "registrationId"])
    if await encumbrances.seizure_in_force(uow.conn, prop.id, use_case.today()):
        raise DomainError("ENCUMBERED", "the property is seized (查封)")
    if await encumbrances.advance_notice_in_force(uow.conn, prop.id, except_registration_id=registration.id):
        raise DomainError("ALREADY_SOLD", "another advance notice on this property is in force")
    holders = await party_ids(uow, registration.id, RegistrationPartyRole.RIGHT_HOLDER)
    owned = (
        await Registration.filter(
            property_id=prop.id,
            kind__in=(RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER),
            right_status=RightStatus.IN_FORCE,
        )
        .using_db(uow.conn)
        .exists()
    )
    status = derive_status(ownership_in_force=owned, advance_notice_in_force=True, contract_filed=True)
    if status != prop.status:
        prop.status = status
        await uow.write(sql.update(Property, prop.id, {"status": status}))
    # The certificate counter is a hot row: taken last.
    certificate = await complete_with_proof(
        uow,
        use_case,
        registration,
        prop,
        holders,
        {"right": "预购商品房预告登记", "contractNumber": registration.application_form.get("contractNumber")},
    )
    return [
        completed_event(registration, unitCode=prop.unit_code, **decision_payload(registration)),
        certificate_event(registration, certificate),
    ]


async def withdraw_registration(use_case: UseCase, registration_id: int, reason: str) -> Registration:
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="withdraw applications")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await visible_registration(use_case, registration_id)
    async with use_case.unit_of_work() as uow:
        _, registration = await locked_registration(uow, found)
        require_applicant(use_case, await party_ids(uow, registration.id, RegistrationPartyRole.APPLICANT))
        undecided(registration)
        registration.status = RegistrationStatus.WITHDRAWN
        await uow.write(sql.update(Registration, registration.id, {"status": registration.status}))
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_WITHDRAWN,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "kind": registration.kind,
                    "reason": reason,
                    "by": use_case.viewer.party_id_number,
                },
            )
        )
        await uow.commit()
    return registration


async def reapply_advance_registration(use_case: UseCase, contract_id: int) -> Registration:
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="apply again for advance notice registration")
    found = await visibility.contracts(use_case.viewer, Contract.filter(id=contract_id)).first()
    if found is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    buyers = sql.ints(
        await ContractBuyer.filter(contract_id=found.id).order_by("position").values_list("party_id", flat=True)
    )
    party = use_case.viewer.party_id
    if party is None or (party not in buyers if use_case.viewer.role == Role.BUYER else party != found.seller_id):
        raise DomainError("FORBIDDEN", "only the seller or a buyer of the contract applies again")
    async with use_case.unit_of_work() as uow:
        await uow.lock(Property, found.property_id)
        contract = await uow.lock(Contract, found.id)
        assert contract is not None  # contracts are never deleted
        if contract.status != ContractStatus.FILED:
            raise DomainError(
                "INVALID_STATE", f"the contract is {contract.status.value.lower()}, not filed", ["input", "contractId"]
            )
        previous = (
            await Registration.filter(contract_id=contract.id, kind=RegistrationKind.ADVANCE_NOTICE)
            .using_db(uow.conn)
            .order_by("-id")
            .first()
        )
        if previous is None or previous.status not in (RegistrationStatus.REJECTED, RegistrationStatus.WITHDRAWN):
            state = previous.status.value.lower() if previous else "missing"
            raise DomainError(
                "INVALID_STATE",
                f"the advance notice application is {state}: only a rejected or withdrawn one is applied for again",
                ["input", "contractId"],
            )
        now = use_case.now()
        registration = await inserted_registration(
            uow,
            kind=RegistrationKind.ADVANCE_NOTICE,
            status=RegistrationStatus.AWAITING_SIGNATURE,
            right_status=RightStatus.PENDING,
            property_id=contract.property_id,
            contract_id=contract.id,
            application_form=previous.application_form,
            created_at=now,
        )
        old_parties = (
            await RegistrationParty.filter(registration_id=previous.id).using_db(uow.conn).order_by("role", "position")
        )
        await uow.write(
            *sql.insert_many(
                RegistrationParty,
                [
                    {
                        "registration_id": registration.id,
                        "party_id": p.party_id,
                        "role": p.role,
                        "position": p.position,
                        "inquiry_answer": None,
                    }
                    for p in old_parties
                ],
            )
        )
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_SUBMITTED,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "kind": registration.kind,
                    "reappliedAfter": previous.id,
                    "by": use_case.viewer.party_id_number,
                    "status": registration.status,
                },
            )
        )
        await uow.commit()
    return registration
