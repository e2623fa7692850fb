"""登记费 (DESIGN §7): what a registration is charged and what is still to pay on it.

Every use case that creates a registration stores its fee (`fee_of`) in `registration.fee`
(`inserted_registration(..., fee=...)`, `ownership.awaiting_fee`, or the default 0 of
`completed_registration` for the free kinds). FIRST_OWNERSHIP, TRANSFER and MORTGAGE are
charged, every other kind is free. A registration whose fee is not 0 completes only once
`outstanding` says 0: the flow that would complete it leaves it SUBMITTED instead, and the
payment (domain/services/fee_payments.py) completes it through
`domain/services/completion.py`, the one entry for what a removed obstacle makes ready.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from domain.enums import PropertyUsage, RegistrationKind
from domain.models import FeePayment, Registration
from domain.rules.fees import NO_FEE, fee_outstanding, registration_fee
from domain.services.context import UseCase
from domain.unit_of_work import UnitOfWork

__all__ = ["NO_FEE", "due", "fee_of", "outstanding"]


def fee_of(use_case: UseCase, kind: RegistrationKind, usage: PropertyUsage, certificates: int = 1) -> Decimal:
    """The fee a new registration of `kind` on a property of `usage` carries (0 for the free kinds)."""
    return registration_fee(use_case.policy.fees, kind, usage, certificates)


async def outstanding(uow: UnitOfWork, registration_ids: list[int]) -> dict[int, Decimal]:
    """What is still to pay on each of these registrations (0 when paid or free), in two queries."""
    if not registration_ids:
        return {}
    fees = {
        int(pk): Decimal(fee)
        for pk, fee in await Registration.filter(id__in=registration_ids).using_db(uow.conn).values_list("id", "fee")
    }
    charged = [pk for pk, fee in fees.items() if fee != NO_FEE]
    paid: dict[int, list[Decimal]] = {pk: [] for pk in fees}
    if charged:
        for registration_id, amount in (
            await FeePayment.filter(registration_id__in=charged)
            .using_db(uow.conn)
            .values_list("registration_id", "amount")
        ):
            paid[int(registration_id)].append(Decimal(amount))
    return {pk: fee_outstanding(fee, paid[pk]) for pk, fee in fees.items()}


class _Paid(NamedTuple):
    amount: Decimal


async def due(uow: UnitOfWork, registration: Registration) -> Decimal:
    """What is still to pay on one registration (locked by the caller, so its fee is current;
    no query for a free one)."""
    if registration.fee == NO_FEE:
        return NO_FEE
    paid = await uow.fetch(
        "SELECT amount FROM fee_payment WHERE registration_id = ?", [registration.id], _Paid, of=FeePayment
    )
    return fee_outstanding(registration.fee, [p.amount for p in paid])
