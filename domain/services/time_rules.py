"""Rules that act with time (DESIGN §2 step 10, §7): seizures past their date, advance notices
90 days after the first registration, objections 15 days after registration without a
lawsuit. `sweep` applies them as of the use case's clock; the server runs it periodically
and `onewindow sweep` on demand. Each change is its own short
transaction, and applying the rules twice changes nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain import eventlog
from domain.enums import EventType, RegistrationKind, RightStatus
from domain.models import Property, Registration
from domain.rules.objection import OBJECTION_LAPSE_DAYS, objection_lapsed
from domain.rules.ownership import advance_notice_lapsed, seizure_expired
from domain.services.completion import complete_if_ready
from domain.services.context import UseCase
from domain.services.ownership import end_right
from domain.services.property_status import property_status_update


@dataclass
class SweepReport:
    seizures_lapsed: int = 0
    advance_notices_lapsed: int = 0
    objections_lapsed: int = 0
    transfers: int = 0


async def sweep(use_case: UseCase) -> SweepReport:
    report = SweepReport()
    today, now = use_case.today(), use_case.now()
    expired = await Registration.filter(
        kind=RegistrationKind.SEIZURE, right_status=RightStatus.IN_FORCE, effective_until__lt=today
    ).values_list("id", "property_id")
    for registration_id, property_id in expired:
        report.transfers += await _lapse(
            use_case, registration_id, property_id, "the seizure's term ended", check_transfer=True
        )
        report.seizures_lapsed += 1
    cutoff = now - timedelta(days=use_case.policy.advance_notice_lapse_days)
    stale = await Registration.filter(
        kind=RegistrationKind.ADVANCE_NOTICE,
        right_status=RightStatus.IN_FORCE,
        property__first_registered_at__lte=cutoff,
    ).values_list("id", "property_id")
    for registration_id, property_id in stale:
        await _lapse(
            use_case, registration_id, property_id, "no transfer within 90 days of the first registration (民法典 221)"
        )
        report.advance_notices_lapsed += 1
    objection_cutoff = now - timedelta(days=OBJECTION_LAPSE_DAYS)
    unsued = await Registration.filter(
        kind=RegistrationKind.OBJECTION,
        right_status=RightStatus.IN_FORCE,
        lawsuit_case_number__isnull=True,
        completed_at__lte=objection_cutoff,
    ).values_list("id", "property_id")
    for registration_id, property_id in unsued:
        report.transfers += await _lapse(
            use_case,
            registration_id,
            property_id,
            "no lawsuit within 15 days of the objection (民法典 220)",
            check_transfer=True,
        )
        report.objections_lapsed += 1
    return report


async def _lapse(
    use_case: UseCase, registration_id: int, property_id: int, reason: str, check_transfer: bool = False
) -> int:
    async with use_case.unit_of_work() as uow:
        prop = await uow.lock(Property, property_id)
        registration = await uow.lock(Registration, registration_id)
        assert prop is not None and registration is not None  # neither is ever deleted
        if registration.right_status != RightStatus.IN_FORCE or not _still_due(use_case, registration, prop):
            return 0  # another process got there first, or the facts changed: nothing is written
        await end_right(uow, registration, RightStatus.LAPSED)
        refs = eventlog.EventRefs(
            property_id=prop.id, contract_id=registration.contract_id, registration_id=registration.id
        )
        transferred = await complete_if_ready(uow, use_case, prop) if check_transfer else []
        await uow.write(*await property_status_update(uow, prop))
        await uow.record(
            eventlog.NewEvent(
                EventType.RIGHT_LAPSED,
                refs,
                {"registrationId": registration.id, "kind": registration.kind, "reason": reason},
            ),
            *transferred,
        )
        await uow.commit()
    # A transfer applied for that waits for its fee (登记费) is not one completed yet.
    return 1 if any(e.type == EventType.REGISTRATION_COMPLETED for e in transferred) else 0


def _still_due(use_case: UseCase, registration: Registration, prop: Property) -> bool:
    if registration.kind == RegistrationKind.SEIZURE:
        return seizure_expired(registration.effective_until, use_case.today())
    if registration.kind == RegistrationKind.OBJECTION:
        return objection_lapsed(registration.completed_at, use_case.now(), registration.lawsuit_case_number is not None)
    return advance_notice_lapsed(prop.first_registered_at, use_case.now(), use_case.policy.advance_notice_lapse_days)
