"""submitAdvanceRegistration and the instant decision (预告登记智能秒批, DESIGN §2 step 6)."""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain import eventlog
from domain.canonical import canonical_hash
from domain.enums import (
    CertificateKind,
    ContractStatus,
    Decider,
    EventType,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Contract, Party, Property, Registration, RegistrationParty, RuleCheck, SharedPersonRecord, Signature
from domain.rules.advance_notice import AdvanceNoticeFacts, advance_notice_checks, approved
from domain.services import encumbrances
from domain.services.certificates import issue_certificate
from domain.services.context import UseCase
from domain.services.property_status import refresh_property_status


async def submit_advance_registration(use_case: UseCase, registration_id: int, accept_delivery: bool) -> Registration:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, action="apply for advance notice registration")
    registration = await Registration.get_or_none(id=registration_id, kind=RegistrationKind.ADVANCE_NOTICE)
    if registration is None:
        raise DomainError("NOT_FOUND", "no such advance notice application", ["input", "registrationId"])
    applicants = await RegistrationParty.filter(registration_id=registration.id, role=RegistrationPartyRole.APPLICANT)
    use_case.require_face_signer([a.party_id for a in applicants], "the buyers named in the application")
    mine = next(a for a in applicants if a.party_id == viewer.party_id)
    async with in_transaction() as conn:
        registration = await Registration.select_for_update().using_db(conn).get(id=registration.id)
        if registration.status != RegistrationStatus.AWAITING_SIGNATURE:
            raise DomainError("INVALID_STATE", f"the application is {registration.status.value.lower()}", ["input", "registrationId"])
        if await Signature.filter(registration_id=registration.id, signer_id=viewer.party_id).using_db(conn).exists():
            raise DomainError("DUPLICATE", "you have answered and signed this application already", ["input", "registrationId"])
        if await encumbrances.seizure_in_force(conn, registration.property_id, use_case.today()):
            # A seizure is temporary: refuse now and change nothing, rather than reject for good.
            raise DomainError("ENCUMBERED", "the property is seized (查封): the application waits for the release")
        await _answer_and_sign(conn, use_case, registration, mine, accept_delivery)
        signed = set(await Signature.filter(registration_id=registration.id).using_db(conn).values_list("signer_id", flat=True))
        events = [eventlog.NewEvent(
            EventType.REGISTRATION_SUBMITTED, _refs(registration),
            {"registrationId": registration.id, "applicant": viewer.party_id_number,
             "acceptDeliveryWithCertificate": accept_delivery, "allSigned": signed >= {a.party_id for a in applicants}},
        )]
        if signed >= {a.party_id for a in applicants}:
            events += await _decide(conn, use_case, registration, applicants)
        await eventlog.append(conn, use_case.now(), events)
    return registration


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(property_id=registration.property_id, contract_id=registration.contract_id, registration_id=registration.id)


async def _answer_and_sign(conn: BaseDBAsyncClient, use_case: UseCase, registration: Registration,
                           applicant: RegistrationParty, accept_delivery: bool) -> None:
    applicant.inquiry_answer = {"acceptDeliveryWithCertificate": accept_delivery, "answeredAt": use_case.now().isoformat()}
    await applicant.save(using_db=conn, update_fields=["inquiry_answer"])
    await Signature.create(
        registration_id=registration.id, signer_id=applicant.party_id, method="FACE", signed_at=use_case.now(),
        document_hash=canonical_hash(registration.application_form), using_db=conn,
    )


async def _decide(conn: BaseDBAsyncClient, use_case: UseCase, registration: Registration,
                  applicants: list[RegistrationParty]) -> list[eventlog.NewEvent]:
    """Run every rule at once; complete with a signed proof, or reject naming the failures."""
    now = use_case.now()
    registration.status, registration.submitted_at = RegistrationStatus.SUBMITTED, now
    checks = advance_notice_checks(await _facts(conn, use_case, registration, applicants))
    await RuleCheck.bulk_create(
        [RuleCheck(registration_id=registration.id, rule=c.rule, passed=c.passed, message=c.message, position=i)
         for i, c in enumerate(checks)],
        using_db=conn,
    )
    registration.decided_by = Decider.SYSTEM
    if not approved(checks):
        registration.status = RegistrationStatus.REJECTED
        await registration.save(using_db=conn)
        failed = [c.rule for c in checks if not c.passed]
        return [eventlog.NewEvent(EventType.REGISTRATION_REJECTED, _refs(registration),
                                  {"registrationId": registration.id, "kind": registration.kind, "failedChecks": failed})]
    prop = await Property.get(id=registration.property_id).using_db(conn)
    holders = await Party.filter(id__in=[a.party_id for a in applicants]).using_db(conn)
    registration.status, registration.right_status, registration.completed_at = RegistrationStatus.COMPLETED, RightStatus.IN_FORCE, now
    await registration.save(using_db=conn)
    await refresh_property_status(conn, prop)
    certificate = await issue_certificate(
        conn, use_case, registration, CertificateKind.REGISTRATION_PROOF, sorted(holders, key=lambda p: p.id), prop,
        {"right": "预购商品房预告登记", "contractNumber": registration.application_form.get("contractNumber")},
    )
    await registration.save(using_db=conn, update_fields=["number"])
    completed = {"registrationId": registration.id, "kind": registration.kind, "number": registration.number,
                 "decidedBy": Decider.SYSTEM, "unitCode": prop.unit_code}
    issued = {"certificateId": certificate.id, "number": certificate.number, "kind": certificate.kind,
              "contentHash": certificate.content_hash}
    return [
        eventlog.NewEvent(EventType.REGISTRATION_COMPLETED, _refs(registration), completed),
        eventlog.NewEvent(EventType.CERTIFICATE_ISSUED, _refs(registration), issued),
    ]


async def _facts(conn: BaseDBAsyncClient, use_case: UseCase, registration: Registration,
                 applicants: list[RegistrationParty]) -> AdvanceNoticeFacts:
    contract = await Contract.get_or_none(id=registration.contract_id).using_db(conn) if registration.contract_id else None
    parties = await Party.filter(id__in=[a.party_id for a in applicants]).using_db(conn)
    signed = set(await Signature.filter(registration_id=registration.id).using_db(conn).values_list("signer_id", flat=True))
    records = {r.id_number: r.name for r in await SharedPersonRecord.filter(id_number__in=[p.id_number for p in parties]).using_db(conn)}
    return AdvanceNoticeFacts(
        contract_filed=contract is not None and contract.status == ContractStatus.FILED,
        unsigned_applicants=tuple(p.name for p in parties if p.id not in signed),
        seizure_in_force=await encumbrances.seizure_in_force(conn, registration.property_id, use_case.today()),
        competing_notice_in_force=await encumbrances.advance_notice_in_force(conn, registration.property_id, registration.id),
        identity_mismatches=tuple(p.name for p in parties if p.id_number in records and records[p.id_number] != p.name),
    )
