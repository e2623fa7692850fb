"""退房退款: what the supervising bank owes the buyers once their sale is withdrawn."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from domain.enums import ContractStatus


def refund_due(status: ContractStatus, supervised_deposits: Iterable[Decimal], refunds: Iterable[Decimal]) -> Decimal:
    """The supervised deposits not yet paid back, once the contract is cancelled; nothing before."""
    if status != ContractStatus.CANCELLED:
        return Decimal("0.00")
    due = sum(supervised_deposits, Decimal("0.00")) - sum(refunds, Decimal("0.00"))
    return max(due, Decimal("0.00"))
