"""异议登记 (民法典 220): an objection lapses 15 days after registration unless suit is filed."""

from __future__ import annotations

from datetime import datetime, timedelta

OBJECTION_LAPSE_DAYS = 15


def objection_lapsed(
    registered_at: datetime | None, now: datetime, lawsuit_recorded: bool, lapse_days: int = OBJECTION_LAPSE_DAYS
) -> bool:
    return registered_at is not None and not lawsuit_recorded and now >= registered_at + timedelta(days=lapse_days)
