"""What the registrations a person applies for and a person may decide share (DESIGN §7):
finding one the viewer may see, who signs it, and completing it with a signed proof."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from domain import sql, visibility
from domain.enums import (
    FINAL_REGISTRATION_STATUSES,
    CertificateKind,
    Decider,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Certificate, Contract, Party, Property, Registration, RegistrationParty, RuleCheck
from domain.rules.advance_notice import Check
from domain.services.certificates import issue_certificate
from domain.services.context import UseCase
from domain.services.fees import NO_FEE
from domain.unit_of_work import UnitOfWork

# How each role signs an application: the token's amr and the signature's method.
SIGNING_METHOD = {Role.BUYER: ("face", "FACE"), Role.DEVELOPER: ("ca", "CA")}


async def visible_registration(use_case: UseCase, registration_id: int, field: list[str] | None = None) -> Registration:
    """The registration, or NOT_FOUND when it does not exist or the viewer may not see it."""
    found = await visibility.registrations(use_case.viewer, Registration.filter(id=registration_id)).first()
    if found is None:
        raise DomainError("NOT_FOUND", "no such registration", field or ["input", "registrationId"])
    return found


async def locked_registration(uow: UnitOfWork, found: Registration) -> tuple[Property, Registration]:
    """The property, then the registration, locked (the order every use case locks in)."""
    prop = await uow.lock(Property, found.property_id)
    registration = await uow.lock(Registration, found.id)
    assert prop is not None and registration is not None  # neither is ever deleted
    return prop, registration


async def lock_registration(uow: UnitOfWork, registration_id: int) -> tuple[Property, Registration, Contract | None]:
    """The property, then the registration, locked, by the registration's id alone, with the
    contract it names (read, not locked); NOT_FOUND when there is none. Whether the viewer may
    see it is the caller's `require_visible`, once the facts that usually answer it without a
    query (its parties) are read."""
    found = await uow.lock_where(
        Property, "id = (SELECT property_id FROM registration WHERE id = ?)", [registration_id]
    )
    rows = (
        await uow.lock_joined(Registration, Contract, "j.id = m.contract_id", "m.id = ?", [registration_id])
        if found
        else []
    )
    if not found or not rows:
        raise DomainError("NOT_FOUND", "no such registration", ["input", "registrationId"])
    [(registration, contract)] = rows
    return found[0], registration, contract


async def require_visible(use_case: UseCase, registration: Registration) -> None:
    """NOT_FOUND unless the viewer may see the registration: its columns and vouched facts
    (`visibility.vouch`) tell for its own parties, the rule's query for everyone else."""
    if not visibility.seen_by_its_columns(use_case.viewer, registration):
        await visible_registration(use_case, registration.id)


class _SigningRow(NamedTuple):
    side: str
    party_id: int
    position: int


_SIGNING_SQL = (
    "SELECT 'applicant', party_id, position FROM registration_party WHERE registration_id = ? AND role = ?"
    " UNION ALL SELECT 'signer', signer_id, 0 FROM signature WHERE registration_id = ?"
)


async def applicants_and_signers(uow: UnitOfWork, registration_id: int) -> tuple[list[int], set[int]]:
    """The application's applicants in their order, and who has signed it, in one query."""
    rows = await uow.fetch(
        _SIGNING_SQL, [registration_id, RegistrationPartyRole.APPLICANT.value, registration_id], _SigningRow
    )
    applicants = [r.party_id for r in sorted(rows, key=lambda r: r.position) if r.side == "applicant"]
    return applicants, {r.party_id for r in rows if r.side == "signer"}


async def party_ids(uow: UnitOfWork, registration_id: int, role: RegistrationPartyRole) -> list[int]:
    return sql.ints(
        await RegistrationParty.filter(registration_id=registration_id, role=role)
        .using_db(uow.conn)
        .order_by("position")
        .values_list("party_id", flat=True)
    )


async def inserted_registration(uow: UnitOfWork, **values: Any) -> Registration:
    """A new registration row, inserted now (its parties, checks and certificate refer to its id).

    A charged kind passes `fee=fees.fee_of(...)` (domain/services/fees.py); without it the
    registration is free."""
    values.setdefault("fee", NO_FEE)
    registration = Registration(**values)
    registration.id = await uow.insert(Registration, values)
    return registration


def registration_parties(registration_id: int, role: RegistrationPartyRole, parties: list[int]) -> list[sql.Statement]:
    return sql.insert_many(
        RegistrationParty,
        [
            {"registration_id": registration_id, "party_id": p, "role": role, "position": i, "inquiry_answer": None}
            for i, p in enumerate(parties)
        ],
    )


def rule_checks(registration_id: int, checks: list[Check]) -> list[sql.Statement]:
    return sql.insert_many(
        RuleCheck,
        [
            {
                "registration_id": registration_id,
                "rule": c.rule,
                "passed": c.passed,
                "message": c.message,
                "position": i,
            }
            for i, c in enumerate(checks)
        ],
    )


def require_signing_method(use_case: UseCase) -> str:
    """The signature method of the viewer's role, once its token proves it (face, CA)."""
    required, method = SIGNING_METHOD[use_case.viewer.role]
    if not use_case.viewer.authenticated_by(required):
        raise DomainError(
            "IDENTITY_UNVERIFIED",
            "people sign after face recognition"
            if use_case.viewer.role == Role.BUYER
            else "an organisation signs with its CA certificate",
        )
    return method


def require_applicant(use_case: UseCase, applicants: list[int]) -> str:
    """The viewer is one of the applicants (BUYER face, DEVELOPER ca); returns its signing method."""
    if use_case.viewer.role not in SIGNING_METHOD or use_case.viewer.party_id not in set(applicants):
        raise DomainError("FORBIDDEN", "only the applicants named on the application act on it")
    return require_signing_method(use_case)


def undecided(registration: Registration) -> None:
    if registration.status in FINAL_REGISTRATION_STATUSES:
        raise DomainError(
            "INVALID_STATE", f"the application is {registration.status.value.lower()}", ["input", "registrationId"]
        )


def record_decision(use_case: UseCase, registration: Registration, reason: str) -> None:
    """A person's decision: why, who and when (the instant decision has none)."""
    registration.decided_by = Decider.REGISTRAR
    registration.decision_reason, registration.decider_subject, registration.decided_at = (
        reason,
        use_case.viewer.subject,
        use_case.now(),
    )


DECISION_FIELDS = (
    "status",
    "right_status",
    "decided_by",
    "decision_reason",
    "decider_subject",
    "decided_at",
    "submitted_at",
    "completed_at",
    "number",
)


def save_decision(registration: Registration) -> sql.Statement:
    """The update that stores what a decision changed on the registration (`DECISION_FIELDS`)."""
    return sql.update(Registration, registration.id, {name: getattr(registration, name) for name in DECISION_FIELDS})


def decision_payload(registration: Registration) -> dict[str, Any]:
    return {
        "decidedBy": registration.decided_by,
        "reason": registration.decision_reason,
        "decider": registration.decider_subject,
    }


async def complete_with_proof(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    prop: Property,
    holders_in_order: Sequence[int | Party],
    extra: dict[str, Any],
    kind: CertificateKind = CertificateKind.REGISTRATION_PROOF,
) -> Certificate:
    """COMPLETED and in force, numbered, with its signed certificate; written with the commit.
    It takes the certificate counter (a hot row, locked until the commit): call it last.
    The holders are parties the caller read already, or ids to read."""
    now = use_case.now()
    registration.status, registration.right_status = RegistrationStatus.COMPLETED, RightStatus.IN_FORCE
    registration.completed_at = now
    registration.submitted_at = registration.submitted_at or now
    known = {h.id: h for h in holders_in_order if isinstance(h, Party)}
    if missing := [h for h in holders_in_order if not isinstance(h, Party)]:
        known |= {p.id: p for p in await Party.filter(id__in=missing).using_db(uow.conn)}
    holders = [known[h.id if isinstance(h, Party) else h] for h in holders_in_order]
    certificate = await issue_certificate(uow, use_case, registration, kind, holders, prop, extra)
    await uow.write(save_decision(registration))
    return certificate
