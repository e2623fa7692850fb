"""submitAdvanceRegistration and the instant decision (预告登记智能秒批, DESIGN §2 step 6)."""
from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain import eventlog, sql
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
from domain.models import Certificate, Party, Property, Registration, RegistrationParty, RuleCheck, Signature
from domain.rules.advance_notice import AdvanceNoticeFacts, advance_notice_checks, approved
from domain.services.certificates import certificate_numbers, signed_certificate
from domain.services.context import UseCase
from domain.services.property_status import derive_status


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
        facts = await _read_facts(conn, use_case, registration, [a.party_id for a in applicants])
        if viewer.party_id in facts.signed:
            raise DomainError("DUPLICATE", "you have answered and signed this application already", ["input", "registrationId"])
        if facts.seizure_in_force:
            # A seizure is temporary: refuse now and change nothing, rather than reject for good.
            raise DomainError("ENCUMBERED", "the property is seized (查封): the application waits for the release")
        now = use_case.now()
        answer = {"acceptDeliveryWithCertificate": accept_delivery, "answeredAt": now.isoformat()}
        writes = [
            sql.update(RegistrationParty, mine.id, {"inquiry_answer": answer}),
            sql.insert(Signature, {"registration_id": registration.id, "signer_id": mine.party_id, "method": "FACE",
                                   "signed_at": now, "document_hash": canonical_hash(registration.application_form)}),
        ]
        all_signed = facts.signed | {viewer.party_id} >= {a.party_id for a in applicants}
        events = [eventlog.NewEvent(
            EventType.REGISTRATION_SUBMITTED, _refs(registration),
            {"registrationId": registration.id, "applicant": viewer.party_id_number,
             "acceptDeliveryWithCertificate": accept_delivery, "allSigned": all_signed},
        )]
        if not all_signed:
            await eventlog.append(conn, now, events, writes=writes)
        else:
            await _decide(conn, use_case, registration, facts, writes, events)
    return registration


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(property_id=registration.property_id, contract_id=registration.contract_id, registration_id=registration.id)


@dataclass(frozen=True)
class _Applicant:
    party: Party
    name_in_shared_data: str | None


@dataclass(frozen=True)
class _SubmissionFacts:
    """What the decision reads, in two statements, after the registration row is locked."""
    property: Property
    contract_filed: bool
    seizure_in_force: bool
    competing_notice_in_force: bool
    ownership_in_force: bool
    applicants: list[_Applicant]
    signed: frozenset[int]


_FACTS_SQL = """
SELECT p.id, p.unit_code, p.address, p.building_area, p.usage, p.status,
       EXISTS (SELECT 1 FROM contract c WHERE c.id = ? AND c.status = ?),
       EXISTS (SELECT 1 FROM registration s WHERE s.property_id = p.id AND s.kind = ? AND s.right_status = ?
                  AND (s.effective_until IS NULL OR s.effective_until >= ?)),
       EXISTS (SELECT 1 FROM registration n WHERE n.property_id = p.id AND n.kind = ? AND n.right_status = ? AND n.id <> ?),
       EXISTS (SELECT 1 FROM registration o WHERE o.property_id = p.id AND o.kind IN (?, ?) AND o.right_status = ?)
  FROM property p WHERE p.id = ?
"""

_APPLICANTS_SQL = """
SELECT a.id, a.name, a.id_number, a.kind, sp.name,
       EXISTS (SELECT 1 FROM signature s WHERE s.registration_id = ? AND s.signer_id = a.id)
  FROM party a LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE a.id IN ({})
"""


async def _read_facts(conn: BaseDBAsyncClient, use_case: UseCase, registration: Registration,
                      applicant_ids: list[int]) -> _SubmissionFacts:
    in_force = RightStatus.IN_FORCE.value
    [row] = await sql.fetch(conn, _FACTS_SQL, [
        registration.contract_id, ContractStatus.FILED.value,
        RegistrationKind.SEIZURE.value, in_force, use_case.today(),
        RegistrationKind.ADVANCE_NOTICE.value, in_force, registration.id,
        RegistrationKind.FIRST_OWNERSHIP.value, RegistrationKind.TRANSFER.value, in_force,
        registration.property_id,
    ])
    prop = sql.read(Property, ("id", "unit_code", "address", "building_area", "usage", "status"), row[:6])
    rows = await sql.fetch(conn, _APPLICANTS_SQL.format(sql.marks(len(applicant_ids))), [registration.id, *applicant_ids])
    applicants = [_Applicant(sql.read(Party, ("id", "name", "id_number", "kind"), r[:4]), r[4]) for r in rows]
    return _SubmissionFacts(
        property=prop, contract_filed=bool(row[6]), seizure_in_force=bool(row[7]),
        competing_notice_in_force=bool(row[8]), ownership_in_force=bool(row[9]),
        applicants=sorted(applicants, key=lambda a: a.party.id),
        signed=frozenset(r[0] for r in rows if r[5]),
    )


async def _decide(conn: BaseDBAsyncClient, use_case: UseCase, registration: Registration, facts: _SubmissionFacts,
                  writes: list, events: list[eventlog.NewEvent]) -> None:
    """Run every rule at once; complete with a signed proof, or reject naming the failures.
    The submission's own `writes` and `events` are stored with the decision's."""
    now = use_case.now()
    checks = advance_notice_checks(AdvanceNoticeFacts(
        contract_filed=facts.contract_filed,
        unsigned_applicants=tuple(a.party.name for a in facts.applicants
                                  if a.party.id not in facts.signed and a.party.id != use_case.viewer.party_id),
        seizure_in_force=facts.seizure_in_force,
        competing_notice_in_force=facts.competing_notice_in_force,
        identity_mismatches=tuple(a.party.name for a in facts.applicants
                                  if a.name_in_shared_data is not None and a.name_in_shared_data != a.party.name),
    ))
    writes += sql.insert_many(RuleCheck, [
        {"registration_id": registration.id, "rule": c.rule, "passed": c.passed, "message": c.message, "position": i}
        for i, c in enumerate(checks)
    ])
    registration.submitted_at, registration.decided_by = now, Decider.SYSTEM
    if not approved(checks):
        registration.status = RegistrationStatus.REJECTED
        writes.append(_save(registration))
        failed = [c.rule for c in checks if not c.passed]
        events.append(eventlog.NewEvent(EventType.REGISTRATION_REJECTED, _refs(registration),
                                        {"registrationId": registration.id, "kind": registration.kind, "failedChecks": failed}))
        await eventlog.append(conn, now, events, writes=writes)
        return
    prop = facts.property
    registration.status, registration.right_status, registration.completed_at = RegistrationStatus.COMPLETED, RightStatus.IN_FORCE, now
    status = derive_status(ownership_in_force=facts.ownership_in_force, advance_notice_in_force=True, contract_filed=facts.contract_filed)
    if status != prop.status:
        prop.status = status
        writes.append(sql.update(Property, prop.id, {"status": status}))
    # The county-wide certificate counter is a hot row, locked until commit: taken last.
    [registration.number] = await certificate_numbers(conn, use_case, CertificateKind.REGISTRATION_PROOF, 1)
    certificate = signed_certificate(
        use_case, registration, CertificateKind.REGISTRATION_PROOF, [a.party for a in facts.applicants], prop,
        {"right": "预购商品房预告登记", "contractNumber": registration.application_form.get("contractNumber")},
    )
    writes.append(_save(registration))
    writes.append(sql.insert(Certificate, {
        "number": certificate.number, "kind": certificate.kind, "registration_id": registration.id, "issued_at": certificate.issued_at,
        "content": certificate.content, "content_hash": certificate.content_hash, "signature": certificate.signature,
        "signing_key_id": certificate.signing_key_id}, returning="id"))
    [[certificate.id]] = await sql.execute_together(conn, writes)
    completed = {"registrationId": registration.id, "kind": registration.kind, "number": registration.number,
                 "decidedBy": Decider.SYSTEM, "unitCode": prop.unit_code}
    issued = {"certificateId": certificate.id, "number": certificate.number, "kind": certificate.kind,
              "contentHash": certificate.content_hash}
    events += [
        eventlog.NewEvent(EventType.REGISTRATION_COMPLETED, _refs(registration), completed),
        eventlog.NewEvent(EventType.CERTIFICATE_ISSUED, _refs(registration), issued),
    ]
    await eventlog.append(conn, now, events)


def _save(registration: Registration) -> tuple[str, list]:
    return sql.update(Registration, registration.id, {
        "status": registration.status, "right_status": registration.right_status, "submitted_at": registration.submitted_at,
        "completed_at": registration.completed_at, "decided_by": registration.decided_by, "number": registration.number,
    })
