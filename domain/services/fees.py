"""登记费 (DESIGN §7): every registration's fee, its payments, and completion once it is paid.

Three things every use case that creates or completes a registration shares:

- `fee_of(use_case, kind, usage, certificates)`: the fee a new registration carries, from the
  county's schedule (`CountyPolicy.fees`). Every creator stores it in `registration.fee`
  (`completed_registration(..., fee=...)`, `awaiting_fee(...)` or the `fee` column of
  `inserted_registration`). FIRST_OWNERSHIP, TRANSFER and MORTGAGE are charged, every other
  kind is free (0).
- `outstanding(uow, registration_ids)`: what is still to pay on each, read in one statement
  inside the caller's transaction. A registration whose fee is not 0 completes only when this
  is 0: a use case that would complete one checks it first (`settled` for one registration)
  and, when something is still to pay, leaves the registration SUBMITTED (or wherever its
  flow leaves it) instead.
- `complete_if_settled(uow, use_case, registration)`: called by `record_fee_payment` in the
  payment's transaction, once the last payment makes the registration settled. It dispatches
  by kind to the flow that completes it, and that flow checks its own other conditions (tax,
  seizures, signatures …) as it always does.

How another kind plugs in: the flow's completion is a function
`async def f(uow, use_case, registration) -> list[eventlog.NewEvent]` that completes the
registration when nothing but the fee held it back (and returns [] otherwise); add a branch for
it in `complete_if_settled`, *before* the generic ones of the same kind, imported inside the
function (the flows import this module, so a top-level import would be a cycle). For a resale
transfer (issue 14 item 3), for example:

    if registration.kind == RegistrationKind.TRANSFER and await is_resale(uow, registration):
        from domain.services.resale import complete_transfer
        return await complete_transfer(uow, use_case, registration)

and the resale flow itself, at its deciding signature, calls `await settled(uow, registration)`
(or `outstanding`) before completing.
"""

from __future__ import annotations

from decimal import Decimal

from tortoise.exceptions import IntegrityError

from domain import eventlog
from domain.enums import (
    FINAL_REGISTRATION_STATUSES,
    EventType,
    PropertyUsage,
    RegistrationKind,
    RegistrationPartyRole,
    Role,
)
from domain.errors import DomainError, violates_unique
from domain.models import FeePayment, Property, Registration, RegistrationParty
from domain.rules import validation
from domain.rules.fees import NO_FEE, fee_outstanding, registration_fee
from domain.services.context import UseCase
from domain.unit_of_work import UnitOfWork

__all__ = ["NO_FEE", "complete_if_settled", "fee_of", "outstanding", "record_fee_payment", "settled"]


def fee_of(use_case: UseCase, kind: RegistrationKind, usage: PropertyUsage, certificates: int = 1) -> Decimal:
    """The fee a new registration of `kind` on a property of `usage` carries (0 for the free kinds)."""
    return registration_fee(use_case.policy.fees, kind, usage, certificates)


async def outstanding(uow: UnitOfWork, registration_ids: list[int]) -> dict[int, Decimal]:
    """What is still to pay on each of these registrations (0 when paid or free), in two queries."""
    if not registration_ids:
        return {}
    fees = dict(await Registration.filter(id__in=registration_ids).using_db(uow.conn).values_list("id", "fee"))
    paid: dict[int, list[Decimal]] = {pk: [] for pk in fees}
    for registration_id, amount in (
        await FeePayment.filter(registration_id__in=list(fees))
        .using_db(uow.conn)
        .values_list("registration_id", "amount")
    ):
        paid[registration_id].append(Decimal(amount))
    return {pk: fee_outstanding(Decimal(fee), paid[pk]) for pk, fee in fees.items()}


async def settled(uow: UnitOfWork, registration: Registration) -> bool:
    """Whether nothing of this registration's fee is left to pay."""
    if registration.fee == NO_FEE:
        return True
    return (await outstanding(uow, [registration.id]))[registration.id] == NO_FEE


async def complete_if_settled(
    uow: UnitOfWork, use_case: UseCase, registration: Registration
) -> list[eventlog.NewEvent]:
    """Complete `registration` when its fee is paid and its flow lets it; returns the events.

    The property's row is locked by the caller. Kinds with no branch here stay as they are.
    """
    if registration.status in FINAL_REGISTRATION_STATUSES or not await settled(uow, registration):
        return []
    # Imported here: these flows import this module (see the module's docstring for plugging in).
    from domain.services import ownership

    prop = await Property.filter(id=registration.property_id).using_db(uow.conn).get()
    if registration.kind == RegistrationKind.FIRST_OWNERSHIP:
        return await ownership.complete_first_ownership(uow, use_case, registration, prop)
    if registration.kind == RegistrationKind.TRANSFER and ownership.is_first_transfer(registration):
        # 首次转移登记: the transfer completes with everything else the conversion needs.
        return await ownership.convert_if_ready(uow, use_case, prop)
    if registration.kind == RegistrationKind.MORTGAGE and ownership.is_converted_mortgage(registration):
        return await ownership.complete_converted_mortgage(uow, use_case, registration, prop)
    return []


async def record_fee_payment(
    use_case: UseCase, registration_id: int, amount: Decimal, voucher_number: str
) -> tuple[Registration, FeePayment]:
    """REGISTRAR at the window, or the lender for a mortgage registration it applied (DESIGN §7)."""
    viewer = use_case.viewer
    use_case.require_role(Role.REGISTRAR, Role.BANK, Role.PROVIDENT_FUND, action="record fee payments")
    found = await Registration.get_or_none(id=registration_id)
    if found is None:
        raise DomainError("NOT_FOUND", "no such registration", ["input", "registrationId"])
    if viewer.role != Role.REGISTRAR:
        applied = found.kind == RegistrationKind.MORTGAGE and await RegistrationParty.exists(
            registration_id=found.id, party_id=viewer.party_id, role=RegistrationPartyRole.APPLICANT
        )
        if not applied:
            raise DomainError("FORBIDDEN", "a lender records fee payments only for a mortgage registration it applied")
    amount = validation.money(amount, ["input", "amount"])
    voucher = validation.required_text(voucher_number, ["input", "voucherNumber"], 64)

    def duplicate() -> DomainError:
        return DomainError("DUPLICATE", f"voucher {voucher} is recorded already", ["input", "voucherNumber"])

    try:
        async with use_case.unit_of_work() as uow:
            # Property first: the order every completion takes its locks in.
            prop = await uow.lock(Property, found.property_id)
            registration = await uow.lock(Registration, found.id)
            assert prop is not None and registration is not None  # neither is ever deleted
            if registration.status in FINAL_REGISTRATION_STATUSES:
                raise DomainError(
                    "INVALID_STATE",
                    f"the registration is {registration.status.value.lower()}; no fee is taken any more",
                    ["input", "registrationId"],
                )
            due = (await outstanding(uow, [registration.id]))[registration.id]
            if due == NO_FEE:
                raise DomainError(
                    "INVALID_STATE",
                    "nothing is left to pay on this registration" if registration.fee else "this registration is free",
                    ["input", "registrationId"],
                )
            if amount > due:
                raise DomainError("INVALID_INPUT", f"only {due} is left to pay, not {amount}", ["input", "amount"])
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
            # Inserted now: whether the registration completes is read with this payment made.
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
                "outstanding": due - amount,
                "voucherNumber": voucher,
                "recordedBy": viewer.role,
            }
            completed = await complete_if_settled(uow, use_case, registration) if due == amount else []
            await uow.record(eventlog.NewEvent(EventType.FEE_PAID, refs, payload), *completed)
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "fee_payment", "voucher_number"):
            raise duplicate() from exc
        raise
    refreshed = await Registration.get(id=registration.id)
    return refreshed, payment
