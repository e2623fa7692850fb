"""submitAdvanceRegistration and the instant decision (预告登记智能秒批, DESIGN §2 step 6).

The decision is on the hot path of every sale, so it costs few round trips: the application
is locked and the property's facts read in one statement, the applicants in a second, and
everything the submission and the decision write goes to the database with the events and
the COMMIT in one more. Only an approval adds a statement, for the certificate number; that
counter is held from then until the commit, so what does not depend on the number is made
ready before it is taken (the unit of work prepares each queued write as it comes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from domain import eventlog, sql, visibility
from domain.canonical import canonical_hash
from domain.enums import (
    CertificateKind,
    ContractStatus,
    Decider,
    EventType,
    PartyKind,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Party, Property, Registration, RegistrationParty, Signature
from domain.rules.advance_notice import AdvanceNoticeFacts, advance_notice_checks
from domain.rules.property_status import derive_status
from domain.rules.review import Outcome, outcome
from domain.services.applications import rule_checks
from domain.services.certificates import certificate_inserts, certificate_numbers, signed_certificate
from domain.services.context import UseCase
from domain.services.ownership import certificate_event, completed_event
from domain.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class _PropertyFacts:
    property: Property
    contract_filed: bool
    seizure_in_force: bool
    competing_notice_in_force: bool
    ownership_in_force: bool


@dataclass(frozen=True)
class _Applicant:
    answer_id: int  # the applicant's registration_party row, where the answer is kept
    party: Party
    name_in_shared_data: str | None
    signed: bool
    answer: dict[str, Any] | None = None  # the inquiry answer given with the signature


async def submit_advance_registration(use_case: UseCase, registration_id: int, accept_delivery: bool) -> Registration:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, action="apply for advance notice registration")
    async with use_case.unit_of_work() as uow:
        locked = await _lock_with_facts(uow, use_case, registration_id)
        if locked is None:
            raise DomainError("NOT_FOUND", "no such advance notice application", ["input", "registrationId"])
        registration, facts = locked
        applicants = await _applicants(uow, registration.id)
        visibility.vouch(registration, visibility.Vouched(persons=frozenset(a.party.id for a in applicants)))
        use_case.require_face_signer([a.party.id for a in applicants], "the buyers named in the application")
        mine = next(a for a in applicants if a.party.id == viewer.party_id)
        undecided = registration.status == RegistrationStatus.AWAITING_SIGNATURE or (
            registration.status == RegistrationStatus.IN_REVIEW and mine.signed
        )
        if not undecided:
            raise DomainError(
                "INVALID_STATE", f"the application is {registration.status.value.lower()}", ["input", "registrationId"]
            )
        if mine.signed:
            # An answer can be changed until the application is decided (DESIGN §7).
            if mine.answer is not None and mine.answer.get("acceptDeliveryWithCertificate") == accept_delivery:
                raise DomainError(
                    "DUPLICATE", "you have answered and signed this application already", ["input", "registrationId"]
                )
            await _change_answer(uow, use_case, registration, mine, accept_delivery)
            await uow.commit()
            return registration
        if facts.seizure_in_force:
            # A seizure is temporary: refuse now and change nothing, rather than reject for good.
            raise DomainError("ENCUMBERED", "the property is seized (查封): the application waits for the release")
        now = use_case.now()
        answer = {"acceptDeliveryWithCertificate": accept_delivery, "answeredAt": now.isoformat()}
        unsigned = [a for a in applicants if not a.signed and a is not mine]
        await uow.write(
            sql.update(RegistrationParty, mine.answer_id, {"inquiry_answer": answer}),
            sql.insert(
                Signature,
                {
                    "registration_id": registration.id,
                    "signer_id": mine.party.id,
                    "method": "FACE",
                    "signed_at": now,
                    "document_hash": canonical_hash(registration.application_form),
                },
            ),
        )
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_SUBMITTED,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "applicant": viewer.party_id_number,
                    "acceptDeliveryWithCertificate": accept_delivery,
                    "allSigned": not unsigned,
                },
            )
        )
        if not unsigned:
            await _decide(uow, use_case, registration, facts, applicants, mine, accept_delivery)
        await uow.commit()
    return registration


async def _change_answer(
    uow: UnitOfWork, use_case: UseCase, registration: Registration, mine: _Applicant, accept_delivery: bool
) -> None:
    now = use_case.now()
    answer = {"acceptDeliveryWithCertificate": accept_delivery, "answeredAt": now.isoformat()}
    await uow.write(sql.update(RegistrationParty, mine.answer_id, {"inquiry_answer": answer}))
    await uow.record(
        eventlog.NewEvent(
            EventType.REGISTRATION_SUBMITTED,
            _refs(registration),
            {
                "registrationId": registration.id,
                "applicant": use_case.viewer.party_id_number,
                "acceptDeliveryWithCertificate": accept_delivery,
                "answerChanged": True,
            },
        )
    )


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=registration.property_id, contract_id=registration.contract_id, registration_id=registration.id
    )


_LOCK_SQL = """
SELECT {registration}, p.unit_code, p.address, p.building_area, p.usage, p.status,
       EXISTS (SELECT 1 FROM contract c WHERE c.id = r.contract_id AND c.status = ?),
       EXISTS (SELECT 1 FROM registration s WHERE s.property_id = r.property_id AND s.kind = ? AND s.right_status = ?
                  AND (s.effective_until IS NULL OR s.effective_until >= ?)),
       EXISTS (SELECT 1 FROM registration n WHERE n.property_id = r.property_id AND n.kind = ? AND n.right_status = ?
                  AND n.id <> r.id),
       EXISTS (SELECT 1 FROM registration o WHERE o.property_id = r.property_id AND o.kind IN (?, ?)
                  AND o.right_status = ?)
  FROM registration r JOIN property p ON p.id = r.property_id
 WHERE r.id = ? AND r.kind = ?{lock}
"""


class _LockedFactsRow(NamedTuple):
    unit_code: str
    address: str
    building_area: Any
    usage: str
    status: str
    contract_filed: Any
    seizure_in_force: Any
    competing_notice_in_force: Any
    ownership_in_force: Any


async def _lock_with_facts(
    uow: UnitOfWork, use_case: UseCase, registration_id: int
) -> tuple[Registration, _PropertyFacts] | None:
    """The application, locked until commit, and what stands on its property.

    The facts are read in the statement that waits for the lock. Only another submission of
    this application (or its withdrawal) holds that lock; none of them changes the property's
    facts without also moving the application out of AWAITING_SIGNATURE, which the locked
    row then shows, so the facts are never stale where they are used."""
    columns = sql.columns_of(Registration)
    in_force = RightStatus.IN_FORCE.value
    conn = uow.conn
    rows = await sql.fetch_with_model(
        conn,
        Registration,
        columns,
        _LOCK_SQL.format(registration=", ".join(f"r.{c}" for c in columns), lock=sql.for_update(conn, "OF r")),
        [
            ContractStatus.FILED.value,
            RegistrationKind.SEIZURE.value,
            in_force,
            use_case.today(),
            RegistrationKind.ADVANCE_NOTICE.value,
            in_force,
            RegistrationKind.FIRST_OWNERSHIP.value,
            RegistrationKind.TRANSFER.value,
            in_force,
            registration_id,
            RegistrationKind.ADVANCE_NOTICE.value,
        ],
        _LockedFactsRow,
    )
    if not rows:
        return None
    [(registration, row)] = rows
    prop = sql.model_from(
        Property,
        id=registration.property_id,
        unit_code=row.unit_code,
        address=row.address,
        building_area=row.building_area,
        usage=row.usage,
        status=row.status,
    )
    return registration, _PropertyFacts(
        prop,
        contract_filed=bool(row.contract_filed),
        seizure_in_force=bool(row.seizure_in_force),
        competing_notice_in_force=bool(row.competing_notice_in_force),
        ownership_in_force=bool(row.ownership_in_force),
    )


_APPLICANTS_SQL = """
SELECT rp.id, a.id, a.name, a.id_number, a.kind, sp.name,
       EXISTS (SELECT 1 FROM signature s WHERE s.registration_id = rp.registration_id AND s.signer_id = a.id),
       rp.inquiry_answer
  FROM registration_party rp JOIN party a ON a.id = rp.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE rp.registration_id = ? AND rp.role = ?
 ORDER BY a.id
"""


class _ApplicantRow(NamedTuple):
    answer_id: int
    party_id: int
    name: str
    id_number: str
    kind: str
    name_in_shared_data: str | None
    signed: Any
    inquiry_answer: Any  # JSON as the driver returns it: read through the model's field


async def _applicants(uow: UnitOfWork, registration_id: int) -> list[_Applicant]:
    rows = await uow.fetch(_APPLICANTS_SQL, [registration_id, RegistrationPartyRole.APPLICANT.value], _ApplicantRow)
    return [
        _Applicant(
            r.answer_id,
            sql.model_from(Party, id=r.party_id, name=r.name, id_number=r.id_number, kind=r.kind),
            r.name_in_shared_data,
            bool(r.signed),
            sql.model_from(RegistrationParty, inquiry_answer=r.inquiry_answer).inquiry_answer,
        )
        for r in rows
    ]


async def _decide(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    facts: _PropertyFacts,
    applicants: list[_Applicant],
    signing: _Applicant,
    accept_delivery: bool,
) -> None:
    """Run every rule at once; complete with a signed proof, or reject naming the failures.
    What the decision writes and logs goes to the submission's unit of work."""
    now = use_case.now()
    checks = advance_notice_checks(
        AdvanceNoticeFacts(
            contract_filed=facts.contract_filed,
            unsigned_applicants=tuple(a.party.name for a in applicants if not a.signed and a is not signing),
            seizure_in_force=facts.seizure_in_force,
            competing_notice_in_force=facts.competing_notice_in_force,
            identity_mismatches=tuple(
                a.party.name
                for a in applicants
                if a.name_in_shared_data is not None and a.name_in_shared_data != a.party.name
            ),
            inquiry_refusals=tuple(a.party.name for a in applicants if not _accepts(a, signing, accept_delivery)),
            missing_shared_records=tuple(
                a.party.name for a in applicants if a.party.kind == PartyKind.PERSON and a.name_in_shared_data is None
            ),
            shared_record_required=use_case.policy.shared_record_required,
        )
    )
    recorded = rule_checks(registration.id, checks)
    registration.submitted_at = now
    decision = outcome(checks)
    if decision == Outcome.REVIEW:
        # Only rules a person can judge failed: a registrar decides (decideRegistration).
        registration.status = RegistrationStatus.IN_REVIEW
        await uow.write(*recorded, _save(registration))
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_IN_REVIEW,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "kind": registration.kind,
                    "failedChecks": [c.rule for c in checks if not c.passed],
                },
            )
        )
        return
    registration.decided_by = Decider.SYSTEM
    if decision == Outcome.REJECT:
        registration.status = RegistrationStatus.REJECTED
        await uow.write(*recorded, _save(registration))
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_REJECTED,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "kind": registration.kind,
                    "failedChecks": [c.rule for c in checks if not c.passed],
                },
            )
        )
        return
    prop = facts.property
    registration.status, registration.right_status, registration.completed_at = (
        RegistrationStatus.COMPLETED,
        RightStatus.IN_FORCE,
        now,
    )
    status = derive_status(
        ownership_in_force=facts.ownership_in_force, advance_notice_in_force=True, contract_filed=facts.contract_filed
    )
    if status != prop.status:
        prop.status = status
        recorded.append(sql.update(Property, prop.id, {"status": status}))
    await uow.write(*recorded)
    # The county-wide certificate counter is a hot row, locked until commit: taken last.
    [registration.number] = await certificate_numbers(uow, use_case, CertificateKind.REGISTRATION_PROOF, 1)
    certificate = signed_certificate(
        use_case,
        registration,
        CertificateKind.REGISTRATION_PROOF,
        [a.party for a in applicants],
        prop,
        {"right": "预购商品房预告登记", "contractNumber": registration.application_form.get("contractNumber")},
    )
    await uow.write(_save(registration), *certificate_inserts([certificate]))
    await uow.record(
        completed_event(registration, unitCode=prop.unit_code), certificate_event(registration, certificate)
    )


def _accepts(applicant: _Applicant, signing: _Applicant, accept_delivery: bool) -> bool:
    """The applicant's answer to the inquiry: the one given now, or the one kept with an earlier signature."""
    if applicant is signing:
        return accept_delivery
    return bool((applicant.answer or {}).get("acceptDeliveryWithCertificate", True))


def _save(registration: Registration) -> sql.Statement:
    return sql.update(
        Registration,
        registration.id,
        {
            "status": registration.status,
            "right_status": registration.right_status,
            "submitted_at": registration.submitted_at,
            "completed_at": registration.completed_at,
            "decided_by": registration.decided_by,
            "number": registration.number,
        },
    )
