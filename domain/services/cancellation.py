"""Cancellation registration (注销登记) of a right in force, and signRegistration (DESIGN §7).

An advance notice is cancelled on the application of its holders (the buyers) and the obligor
(the seller), each signing the generated application; the last signature gets the instant
decision. An objection is cancelled by its applicant alone. A REGISTRAR cancels any right on a
court document, decided at once. While an advance mortgage rests on the notice, or a seizure
stands, an advance notice cannot be cancelled (ENCUMBERED).
"""

from __future__ import annotations

from domain import eventlog, sql, visibility
from domain.canonical import canonical_hash
from domain.enums import (
    Decider,
    EventType,
    MortgageStatus,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Contract, Mortgage, Party, Property, Registration, Signature
from domain.rules import validation
from domain.rules.advance_notice import Check
from domain.services import encumbrances
from domain.services.applications import (
    applicants_and_signers,
    complete_with_proof,
    decision_payload,
    inserted_registration,
    lock_registration,
    locked_registration,
    party_ids,
    record_decision,
    registration_parties,
    require_applicant,
    require_signing_method,
    require_visible,
    rule_checks,
    visible_registration,
)
from domain.services.completion import complete_if_ready
from domain.services.context import UseCase
from domain.services.ownership import certificate_event, completed_event, end_right
from domain.services.property_status import property_status_update
from domain.services.transfer import decide_transfer, read_transfer
from domain.unit_of_work import UnitOfWork

# Rights a cancellation can aim at; the registrations that record an act (a discharge, a
# release, a cancellation, a correction) are not rights of their own.
CANCELLABLE = frozenset(
    {
        RegistrationKind.ADVANCE_NOTICE,
        RegistrationKind.ADVANCE_MORTGAGE,
        RegistrationKind.FIRST_OWNERSHIP,
        RegistrationKind.TRANSFER,
        RegistrationKind.MORTGAGE,
        RegistrationKind.SEIZURE,
        RegistrationKind.OBJECTION,
    }
)


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=registration.property_id, contract_id=registration.contract_id, registration_id=registration.id
    )


async def _applicants_for(uow: UnitOfWork, use_case: UseCase, target: Registration) -> list[int]:
    """Who applies with the viewer: for an advance notice its holders and the seller, for an
    objection its applicant. FORBIDDEN when the viewer is none of them."""
    viewer = use_case.viewer
    if target.kind == RegistrationKind.ADVANCE_NOTICE:
        holders = await party_ids(uow, target.id, RegistrationPartyRole.RIGHT_HOLDER)
        contract = await Contract.filter(id=target.contract_id).using_db(uow.conn).get()
        applicants = [*holders, contract.seller_id]
        allowed = (viewer.role == Role.BUYER and viewer.party_id in holders) or (
            viewer.role == Role.DEVELOPER and viewer.party_id == contract.seller_id
        )
    elif target.kind == RegistrationKind.OBJECTION:
        applicants = await party_ids(uow, target.id, RegistrationPartyRole.APPLICANT)
        allowed = viewer.role == Role.BUYER and viewer.party_id in applicants
    else:
        applicants, allowed = [], False
    if not allowed:
        raise DomainError(
            "FORBIDDEN",
            "only the right's holders and obligor (or a registrar with a court document) apply to cancel it",
        )
    require_signing_method(use_case)
    return applicants


async def _blockers(uow: UnitOfWork, use_case: UseCase, target: Registration) -> list[Check]:
    """The rules of a cancellation; an advance notice carries an advance mortgage and yields to a seizure."""
    in_force = target.right_status == RightStatus.IN_FORCE
    checks = [
        Check(
            "RIGHT_IN_FORCE",
            in_force,
            f"{target.kind.value} {target.number or target.id} is in force"
            if in_force
            else f"the right is {target.right_status.value.lower()}",
        )
    ]
    if target.kind == RegistrationKind.ADVANCE_NOTICE:
        mortgaged = await encumbrances.advance_mortgage_on_contract_in_force(uow.conn, target.contract_id)
        seized = await encumbrances.seizure_in_force(uow.conn, target.property_id, use_case.today())
        checks += [
            Check(
                "NO_ADVANCE_MORTGAGE",
                not mortgaged,
                "no advance mortgage rests on the notice"
                if not mortgaged
                else "an advance mortgage rests on the notice: its lender discharges it first",
            ),
            Check(
                "NO_SEIZURE", not seized, "no seizure is in force" if not seized else "the property is seized (查封)"
            ),
        ]
    return checks


def _refuse(checks: list[Check]) -> None:
    failed = [c for c in checks if not c.passed]
    if not failed:
        return
    if failed[0].rule == "RIGHT_IN_FORCE":
        raise DomainError("INVALID_STATE", failed[0].message, ["input", "registrationId"])
    raise DomainError("ENCUMBERED", "; ".join(c.message for c in failed))


async def apply_cancellation_registration(
    use_case: UseCase, registration_id: int, reason: str, court_document: str | None
) -> Registration:
    use_case.require_role(Role.BUYER, Role.DEVELOPER, Role.REGISTRAR, action="apply for cancellation registration")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    by_court = use_case.viewer.role == Role.REGISTRAR
    if by_court:
        if court_document is None or not court_document.strip():
            raise DomainError(
                "INVALID_INPUT", "a registrar cancels on a court document: give its number", ["input", "courtDocument"]
            )
        court_document = validation.required_text(court_document, ["input", "courtDocument"], 100)
    found = await visible_registration(use_case, registration_id)
    async with use_case.unit_of_work() as uow:
        prop, target = await locked_registration(uow, found)
        if target.kind not in CANCELLABLE:
            raise DomainError(
                "INVALID_STATE",
                f"a {target.kind.value.lower()} registration is not a right to cancel",
                ["input", "registrationId"],
            )
        applicants = [] if by_court else await _applicants_for(uow, use_case, target)
        checks = await _blockers(uow, use_case, target)
        _refuse(checks)
        if (
            await Registration.filter(cancels_id=target.id, status=RegistrationStatus.AWAITING_SIGNATURE)
            .using_db(uow.conn)
            .exists()
        ):
            raise DomainError(
                "DUPLICATE", "a cancellation of this right awaits its signatures already", ["input", "registrationId"]
            )
        parties = {p.id: p for p in await Party.filter(id__in=applicants).using_db(uow.conn)}
        form = {
            "registrationType": "注销登记",
            "cancels": {"number": target.number, "kind": target.kind.value},
            "unitCode": prop.unit_code,
            "reason": reason,
            "courtDocument": court_document,
            "applicants": [{"name": parties[p].name, "idNumber": parties[p].id_number} for p in applicants],
        }
        now = use_case.now()
        cancellation = await inserted_registration(
            uow,
            kind=RegistrationKind.CANCELLATION,
            status=RegistrationStatus.AWAITING_SIGNATURE,
            right_status=RightStatus.PENDING,
            property_id=prop.id,
            contract_id=target.contract_id,
            cancels_id=target.id,
            application_form=form,
            created_at=now,
        )
        await uow.write(*registration_parties(cancellation.id, RegistrationPartyRole.APPLICANT, applicants))
        if by_court:
            record_decision(use_case, cancellation, reason)
            await uow.record(*await _complete(uow, use_case, cancellation, target, prop, checks, applicants))
        else:
            await uow.record(
                eventlog.NewEvent(
                    EventType.REGISTRATION_SUBMITTED,
                    _refs(cancellation),
                    {
                        "registrationId": cancellation.id,
                        "kind": cancellation.kind,
                        "cancels": target.id,
                        "applicant": use_case.viewer.party_id_number,
                        "documentHash": canonical_hash(form),
                    },
                )
            )
        await uow.commit()
    return cancellation


async def _complete(
    uow: UnitOfWork,
    use_case: UseCase,
    cancellation: Registration,
    target: Registration,
    prop: Property,
    checks: list[Check],
    applicants: list[int],
) -> list[eventlog.NewEvent]:
    """The target ends, what waited on it follows, and the cancellation completes with its proof
    (the certificate counter last, after any transfer's own counters)."""
    await uow.write(*rule_checks(cancellation.id, checks))
    await end_right(uow, target)
    if target.mortgage_id is not None:  # a court's cancellation of a mortgage right ends the loan's registration too
        await uow.write(sql.update(Mortgage, target.mortgage_id, {"status": MortgageStatus.DISCHARGED}))
    holders = applicants or await party_ids(uow, target.id, RegistrationPartyRole.RIGHT_HOLDER)
    # An objection or seizure gone may be the last thing a waiting transfer waited for; a
    # cancelled advance notice is a sale withdrawn, never the start of a transfer.
    blocking = target.kind in (RegistrationKind.OBJECTION, RegistrationKind.SEIZURE)
    transferred = await complete_if_ready(uow, use_case, prop) if blocking else []
    await uow.write(*await property_status_update(uow, prop))
    certificate = await complete_with_proof(
        uow,
        use_case,
        cancellation,
        prop,
        holders,
        {"right": "注销登记", "cancels": target.number, "cancelledKind": target.kind.value},
    )
    return [
        completed_event(cancellation, cancels=target.id, cancelledKind=target.kind, **decision_payload(cancellation)),
        certificate_event(cancellation, certificate),
        *transferred,
    ]


async def sign_registration(use_case: UseCase, registration_id: int, document_hash: str) -> Registration:
    """An applicant signs the application; the last signature gets the instant decision."""
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="sign registration applications")
    async with use_case.unit_of_work() as uow:
        prop, registration, contract = await lock_registration(uow, registration_id)
        # A transfer's signature reads what its decision needs with its own facts, in one query.
        read = (
            await read_transfer(uow, registration, contract) if registration.kind == RegistrationKind.TRANSFER else None
        )
        applicants, signed = (
            (read.applicants, read.signers) if read else await applicants_and_signers(uow, registration.id)
        )
        visibility.vouch(registration, visibility.Vouched(persons=frozenset(applicants)))
        await require_visible(use_case, registration)
        method = require_applicant(use_case, applicants)
        if registration.kind not in (RegistrationKind.CANCELLATION, RegistrationKind.TRANSFER):
            raise DomainError(
                "INVALID_STATE",
                "this application is signed with its own mutation (submitAdvanceRegistration)",
                ["input", "registrationId"],
            )
        if registration.status != RegistrationStatus.AWAITING_SIGNATURE:
            raise DomainError(
                "INVALID_STATE", f"the application is {registration.status.value.lower()}", ["input", "registrationId"]
            )
        expected = canonical_hash(registration.application_form)
        if document_hash.strip().lower() != expected:
            raise DomainError(
                "INVALID_INPUT",
                "this is not the application's text: read it again and sign that",
                ["input", "documentHash"],
            )
        signer = use_case.require_party()
        if signer in signed:
            raise DomainError("DUPLICATE", "you have signed this application already", ["input", "documentHash"])
        now = use_case.now()
        all_signed = set(applicants) <= signed | {signer}
        events = [
            eventlog.NewEvent(
                EventType.REGISTRATION_SUBMITTED,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "kind": registration.kind,
                    "signer": use_case.viewer.party_id_number,
                    "method": method,
                    "documentHash": expected,
                    "allSigned": all_signed,
                },
            )
        ]
        await uow.write(
            sql.insert(
                Signature,
                {
                    "registration_id": registration.id,
                    "signer_id": signer,
                    "method": method,
                    "document_hash": expected,
                    "signed_at": now,
                },
            )
        )
        if all_signed and registration.kind == RegistrationKind.TRANSFER:
            # A resale's transfer (DESIGN §7): decided at once, or waiting for its payments.
            events += await decide_transfer(uow, use_case, registration, prop, read=read)
        elif all_signed:
            assert registration.cancels_id is not None  # every cancellation names its target
            target = await uow.lock(Registration, registration.cancels_id)
            assert target is not None  # registrations are never deleted
            checks = await _blockers(uow, use_case, target)
            # A mortgage or seizure registered since the application: refuse now, change nothing.
            _refuse(checks)
            checks.insert(0, Check("SIGNATURES_COMPLETE", True, "every applicant signed"))
            registration.decided_by, registration.submitted_at = Decider.SYSTEM, now
            events += await _complete(uow, use_case, registration, target, prop, checks, applicants)
        await uow.record(*events)
        await uow.commit()
    return registration
