"""登记费 in tests: what is outstanding, read from the database (the tests share the app's)."""

from __future__ import annotations

from decimal import Decimal

from domain.enums import FINAL_REGISTRATION_STATUSES
from domain.models import FeePayment, Registration


async def outstanding_fees() -> list[tuple[int, Decimal]]:
    """(registration pk, amount still to pay) of every undecided registration with a fee left, oldest first."""
    pending = await Registration.filter(fee__gt=0).exclude(status__in=list(FINAL_REGISTRATION_STATUSES)).order_by("id")
    if not pending:
        return []
    paid: dict[int, Decimal] = {}
    for registration_id, amount in await FeePayment.filter(registration_id__in=[r.id for r in pending]).values_list(
        "registration_id", "amount"
    ):
        paid[registration_id] = paid.get(registration_id, Decimal(0)) + Decimal(amount)
    due = [(r.id, Decimal(r.fee) - paid.get(r.id, Decimal(0))) for r in pending]
    return [(pk, amount) for pk, amount in due if amount > 0]
