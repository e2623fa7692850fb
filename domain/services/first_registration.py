"""recordCompletionAcceptance and applyFirstRegistration (首次登记 + 首次转移登记 合并申请).

The application works through the permit's properties in chunks, one short transaction each:
a 1,000-unit permit never holds its locks for long. A chunk is whole or not at all, and every
step skips what is done already, so after a failure midway (a crash, a lost connection) the
developer applies again and the application finishes where it stopped, without doing anything
twice.
"""

from __future__ import annotations

from domain import eventlog, sql
from domain.enums import (
    EventType,
    PermitStatus,
    PropertyStatus,
    RegistrationKind,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Permit, Property, Registration
from domain.rules import validation
from domain.services.completion import complete_ready
from domain.services.context import UseCase
from domain.services.fees import NO_FEE, fee_of
from domain.services.ownership import Writes, awaiting_fee, completed_event, completed_registration

CHUNK = 50


async def record_completion_acceptance(use_case: UseCase, permit_id: int, acceptance_number: str) -> Permit:
    use_case.require_role(Role.HOUSING, action="record completion acceptance")
    number = validation.required_text(acceptance_number, ["input", "acceptanceNumber"], 64)
    async with use_case.unit_of_work() as uow:
        permit = await uow.lock(Permit, permit_id)
        if permit is None:
            raise DomainError("NOT_FOUND", "no such permit", ["input", "permitId"])
        if permit.completion_acceptance_number is not None:
            raise DomainError(
                "INVALID_STATE",
                f"completion was accepted already ({permit.completion_acceptance_number})",
                ["input", "permitId"],
            )
        permit.completion_acceptance_number, permit.completion_accepted_at = number, use_case.now()
        await uow.write(
            sql.update(
                Permit,
                permit.id,
                {"completion_acceptance_number": number, "completion_accepted_at": permit.completion_accepted_at},
            )
        )
        payload = {"permitId": permit.id, "permit": permit.number, "acceptanceNumber": number}
        audience = frozenset({permit.developer_id, permit.supervising_bank_id})
        await uow.record(eventlog.NewEvent(EventType.COMPLETION_ACCEPTED, eventlog.EventRefs(), payload, audience))
        await uow.commit()
    return permit


async def apply_first_registration(use_case: UseCase, permit_id: int) -> tuple[list[Registration], list[Registration]]:
    """Each property's FIRST_OWNERSHIP (completed, or SUBMITTED until its fee is paid), and the
    transfers applied for or completed so far."""
    use_case.require_role(Role.DEVELOPER, Role.REGISTRAR, action="apply for first registration")
    permit = await Permit.get_or_none(id=permit_id)
    if permit is None:
        raise DomainError("NOT_FOUND", "no such permit", ["input", "permitId"])
    if use_case.viewer.role == Role.DEVELOPER and permit.developer_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the permit's developer or the registration centre applies")
    if permit.status != PermitStatus.VALID:
        raise DomainError("PERMIT_INVALID", "the permit is not valid", ["input", "permitId"])
    if permit.completion_acceptance_number is None:
        raise DomainError(
            "NOT_COMPLETED",
            "completion acceptance (竣工验收备案) is not recorded for this permit",
            ["input", "permitId"],
        )
    property_ids = sql.ints(await Property.filter(permit_id=permit.id).order_by("id").values_list("id", flat=True))
    objected = await Registration.filter(
        property_id__in=property_ids, kind=RegistrationKind.OBJECTION, right_status=RightStatus.IN_FORCE
    ).values_list("property__unit_code", flat=True)
    if objected:
        raise DomainError(
            "ENCUMBERED",
            f"an objection (异议登记) is in force on {', '.join(sorted(str(code) for code in objected))}",
            ["input", "permitId"],
        )
    for start in range(0, len(property_ids), CHUNK):
        await _register_chunk(use_case, permit, property_ids[start : start + CHUNK])
    firsts = await Registration.filter(property_id__in=property_ids, kind=RegistrationKind.FIRST_OWNERSHIP).order_by(
        "id"
    )
    transfers = await Registration.filter(property_id__in=property_ids, kind=RegistrationKind.TRANSFER).order_by("id")
    return firsts, transfers


async def _register_chunk(use_case: UseCase, permit: Permit, property_ids: list[int]) -> None:
    now = use_case.now()
    async with use_case.unit_of_work() as uow:
        properties = await uow.lock_where(Property, f"id IN ({sql.marks(len(property_ids))})", property_ids)
        done = set(
            sql.ints(
                await Registration.filter(property_id__in=property_ids, kind=RegistrationKind.FIRST_OWNERSHIP)
                # One withdrawn while it waited for its fee is applied for again.
                .exclude(status=RegistrationStatus.WITHDRAWN)
                .using_db(uow.conn)
                .values_list("property_id", flat=True)
            )
        )
        writes = Writes()
        fresh = [p for p in properties if p.id not in done]
        registered = []
        for prop in fresh:
            form = {
                "registrationType": "首次登记",
                "permit": permit.number,
                "unitCode": prop.unit_code,
                "completionAcceptance": permit.completion_acceptance_number,
            }
            parties = ([permit.developer_id], [permit.developer_id])
            fee = fee_of(use_case, RegistrationKind.FIRST_OWNERSHIP, prop.usage)
            if fee != NO_FEE:
                # Completes when the developer's fee is paid (recordFeePayment), by itself.
                await awaiting_fee(uow, now, RegistrationKind.FIRST_OWNERSHIP, prop.id, *parties, form, fee, writes)
                continue
            registration = await completed_registration(
                uow, now, RegistrationKind.FIRST_OWNERSHIP, prop.id, *parties, form, writes=writes
            )
            writes.events.append(completed_event(registration))
            registered.append(prop.id)
        await uow.execute(
            *sql.update_where(Property, registered, {"first_registered_at": now, "status": PropertyStatus.REGISTERED})
        )
        await writes.flush(uow)
        transfers = await complete_ready(uow, use_case, properties)
        await uow.record(*writes.events, *transfers)
        await uow.commit()
