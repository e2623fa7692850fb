"""recordFeePayment (登记费缴费, DESIGN §7): a payment of a registration's fee, and what it completes.

REGISTRAR records at the window; a BANK records for a mortgage registration it applied for. The
amount is what is due, in full. The payment's transaction completes whatever was waiting only
for it (the registration, and what that one's completion makes ready) through
`domain/services/completion.py`.
"""

from __future__ import annotations

from decimal import Decimal

from tortoise.exceptions import IntegrityError

from domain import eventlog
from domain.enums import (
    FINAL_REGISTRATION_STATUSES,
    EventType,
    RegistrationKind,
    RegistrationPartyRole,
    Role,
)
from domain.errors import DomainError, violates_unique
from domain.models import FeePayment, Registration, RegistrationParty
from domain.rules import validation
from domain.services.applications import locked_registration, visible_registration
from domain.services.completion import complete_if_ready
from domain.services.context import UseCase
from domain.services.fees import NO_FEE, due


async def record_fee_payment(
    use_case: UseCase, registration_id: int, amount: Decimal, voucher_number: str
) -> tuple[Registration, FeePayment]:
    viewer = use_case.viewer
    use_case.require_role(Role.REGISTRAR, Role.BANK, action="record fee payments")
    found = await visible_registration(use_case, registration_id)
    if viewer.role == Role.BANK:
        applied = found.kind == RegistrationKind.MORTGAGE and await RegistrationParty.exists(
            registration_id=found.id, party_id=viewer.party_id, role=RegistrationPartyRole.APPLICANT
        )
        if not applied:
            raise DomainError("FORBIDDEN", "a bank records the fee of a mortgage registration it applied for only")
    amount = validation.money(amount, ["input", "amount"])
    voucher = validation.required_text(voucher_number, ["input", "voucherNumber"], 64)

    def duplicate() -> DomainError:
        return DomainError("DUPLICATE", f"voucher {voucher} is recorded already", ["input", "voucherNumber"])

    try:
        async with use_case.unit_of_work() as uow:
            # The property first: the order every completion takes its locks in.
            prop, registration = await locked_registration(uow, found)
            if registration.status in FINAL_REGISTRATION_STATUSES:
                raise DomainError(
                    "INVALID_STATE",
                    f"the registration is {registration.status.value.lower()}; no fee is taken any more",
                    ["input", "registrationId"],
                )
            wanted = await due(uow, registration)
            if wanted == NO_FEE:
                raise DomainError(
                    "INVALID_STATE",
                    "the fee is paid already" if registration.fee != NO_FEE else "this registration is free",
                    ["input", "registrationId"],
                )
            if amount != wanted:
                raise DomainError("INVALID_INPUT", f"the fee due is {wanted}, not {amount}", ["input", "amount"])
            if await FeePayment.filter(voucher_number=voucher).using_db(uow.conn).exists():
                raise duplicate()
            values = {
                "registration_id": registration.id,
                "amount": amount,
                "voucher_number": voucher,
                "paid_at": use_case.now(),
                "recorded_by_id": viewer.party_id,
            }
            payment = FeePayment(**values)
            # Inserted now: what completes is read with this payment made.
            payment.id = await uow.insert(FeePayment, values)
            refs = eventlog.EventRefs(
                property_id=registration.property_id,
                contract_id=registration.contract_id,
                registration_id=registration.id,
                mortgage_id=registration.mortgage_id,
            )
            payload = {
                "registrationId": registration.id,
                "kind": registration.kind,
                "fee": registration.fee,
                "amount": amount,
                "voucherNumber": voucher,
                "recordedBy": viewer.role,
            }
            completed = await complete_if_ready(uow, use_case, prop)
            await uow.record(eventlog.NewEvent(EventType.FEE_PAID, refs, payload), *completed)
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "fee_payment", "voucher_number"):
            raise duplicate() from exc
        raise
    return await Registration.get(id=registration.id), payment
