"""The supervision figures for a period (issue 16), read from the log's projection.

Each figure is one index range of `metrics_application` (decisions, reviews, or the open
applications at the period's end), so the cost follows the period asked, not the log's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from domain import sql
from domain.clock import Clock
from domain.enums import Role
from domain.errors import DomainError
from domain.models import Property, Registration
from domain.policy import CountyPolicy
from domain.rules.metrics import DAY_MS, Figures, Overdue, Row, figures, from_ms, overdue, to_ms
from domain.viewer import Viewer

READERS = frozenset({Role.SUPERVISOR, Role.REGISTRAR})

_ROW = (
    "registration_id, kind, filed_ms, submitted_ms, applied_ms, accepted_ms, review_ms, decided_ms, decided_by, outcome"
    " FROM metrics_application"
)


@dataclass(frozen=True)
class OverdueApplication:
    overdue: Overdue
    kind: str | None
    status: str | None
    unit_code: str | None


@dataclass(frozen=True)
class Report:
    period_from: datetime
    period_to: datetime
    as_of: datetime
    figures: Figures
    overdue: list[OverdueApplication]
    statutory_limit_working_days: int
    delivery_with_certificate_days: int


async def supervision_figures(
    viewer: Viewer, clock: Clock, policy: CountyPolicy, period_from: datetime, period_to: datetime
) -> Report | None:
    """The figures for [period_from, period_to); None for a viewer who may not read them."""
    if viewer.role not in READERS:
        return None
    if period_from.tzinfo is None or period_to.tzinfo is None:
        raise DomainError(
            "INVALID_INPUT",
            "give the period's bounds with a UTC offset",
            ["from" if period_from.tzinfo is None else "to"],
        )
    if period_to <= period_from:
        raise DomainError("INVALID_INPUT", "the period must end after it begins", ["to"])
    conn = connections.get("default")
    start, end = to_ms(period_from), to_ms(period_to)
    as_of = min(end, to_ms(clock.now()))
    decided = await _rows(conn, "decided_ms >= ? AND decided_ms < ?", [start, end])
    reviewed = await _rows(conn, "review_ms >= ? AND review_ms < ?", [start, end])
    limit = policy.statutory_limit_working_days
    # Past the limit means more than `limit` whole days open (working days are fewer).
    still_open = await _rows(
        conn, "submitted_ms < ? AND (decided_ms IS NULL OR decided_ms > ?)", [as_of - limit * DAY_MS, as_of]
    )
    late = overdue(still_open, as_of, limit, policy.timezone)
    return Report(
        period_from,
        period_to,
        from_ms(as_of),
        figures(decided, reviewed, policy.delivery_with_certificate_days),
        await _described(late),
        limit,
        policy.delivery_with_certificate_days,
    )


async def _rows(conn: BaseDBAsyncClient, where: str, values: list[Any]) -> list[Row]:
    return await sql.fetch(conn, f"SELECT {_ROW} WHERE {where}", values, Row)


async def _described(late: list[Overdue]) -> list[OverdueApplication]:
    if not late:
        return []
    registrations = {
        r[0]: r[1:]
        for r in await Registration.filter(id__in=[o.registration_id for o in late]).values_list(
            "id", "kind", "status", "property_id"
        )
    }
    codes = dict(await Property.filter(id__in=[r[2] for r in registrations.values()]).values_list("id", "unit_code"))
    described = []
    for o in late:
        kind, status, property_id = registrations.get(o.registration_id, (None, None, None))
        described.append(
            OverdueApplication(
                o, getattr(kind, "value", kind), getattr(status, "value", status), codes.get(property_id)
            )
        )
    return described
