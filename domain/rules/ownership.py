"""When a sold home may pass to its buyers, and when rights end by time (DESIGN §2 steps 9-10)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.enums import TaxStatus


def deed_tax_settled(buyer_ids: Iterable[int], records: Iterable[tuple[int, TaxStatus]]) -> bool:
    """Every buyer has paid deed tax and no assessment is left open."""
    paid = {taxpayer for taxpayer, status in records if status == TaxStatus.PAID}
    open_ = {taxpayer for taxpayer, status in records if status == TaxStatus.ASSESSED}
    buyers = set(buyer_ids)
    return bool(buyers) and buyers <= paid and not open_


@dataclass(frozen=True)
class TransferFacts:
    contract_filed: bool
    tax_settled: bool
    seizure_in_force: bool
    first_registered: bool
    already_transferred: bool
    objection_in_force: bool = False


def transfer_blocker(facts: TransferFacts) -> str | None:
    """Why the transfer cannot complete now, or None when it can."""
    if facts.already_transferred:
        return "already transferred"
    if not facts.contract_filed:
        return "no filed contract"
    if not facts.first_registered:
        return "the building's first registration is not done"
    if not facts.tax_settled:
        return "deed tax is not paid in full"
    if facts.seizure_in_force:
        return "the property is seized"
    if facts.objection_in_force:
        return "an objection (异议登记) is in force"
    return None


def advance_notice_lapsed(first_registered_at: datetime | None, now: datetime, lapse_days: int) -> bool:
    """民法典 221: an advance notice lapses 90 days after registration became possible."""
    return first_registered_at is not None and now >= first_registered_at + timedelta(days=lapse_days)


def seizure_expired(until: date | None, today: date) -> bool:
    return until is not None and today > until
