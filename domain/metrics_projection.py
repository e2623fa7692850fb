"""The supervision figures' projection of the event log (`ApplicationFigures`, `PermitFigures`).

`writes` turns the events a transaction appends into upserts that travel with them, so the
projection never disagrees with the log; `rebuild` replays the whole log into it (migration
0008, and after a restore). Both go through `rules.metrics.project`, one reading of the log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from domain import sql
from domain.canonical import to_jsonable
from domain.rules.metrics import EFFECTS, Projection, project, to_ms

if TYPE_CHECKING:
    from domain.eventlog import NewEvent

_COLUMNS = (
    "registration_id",
    "kind",
    "property_id",
    "filed_ms",
    "submitted_ms",
    "applied_ms",
    "accepted_ms",
    "review_ms",
    "decided_ms",
    "decided_by",
    "outcome",
)
_TYPES = (
    "INTEGER",
    "VARCHAR(32)",
    "INTEGER",
    "BIGINT",
    "BIGINT",
    "BIGINT",
    "INTEGER",
    "INTEGER",
    "BIGINT",
    "BIGINT",
    "VARCHAR(16)",
    "VARCHAR(16)",
)
_ROW = "(" + ", ".join(f"CAST(? AS {t})" for t in _TYPES) + ")"
_FIRST = ("filed_ms", "submitted_ms", "review_ms")  # the earliest instant stands
# A registration converted in the developer's combined first application (预告转本) starts with
# the property's first registration (column7: its property); a first transfer also waits from
# the permit's completion acceptance (column8). Joins, not subqueries: one plan for all rows.
_UPSERT = (
    "INSERT INTO metrics_application ({columns}) SELECT v.column1, v.column2, v.column3, v.column4, v.column5,"
    " COALESCE(v.column6, f.decided_ms), mp.accepted_ms, v.column9, v.column10, v.column11, v.column12"
    " FROM (VALUES {rows}) AS v"
    " LEFT JOIN metrics_application f ON f.property_id = v.column7 AND f.kind = 'FIRST_OWNERSHIP'"
    " LEFT JOIN property p ON p.id = v.column8 LEFT JOIN metrics_permit mp ON mp.permit_id = p.permit_id"
    " WHERE true ON CONFLICT (registration_id) DO UPDATE SET "
    + ", ".join(
        [f"{c} = COALESCE(metrics_application.{c}, excluded.{c})" for c in _FIRST]
        + [f"{c} = COALESCE(excluded.{c}, metrics_application.{c})" for c in _COLUMNS[1:] if c not in _FIRST]
    )
)
_ROWS_PER_STATEMENT = 500


def statements(projection: Projection) -> list[sql.Statement]:
    result: list[sql.Statement] = []
    if projection.acceptances:
        result += [
            sql.Statement(
                f"INSERT INTO metrics_permit (permit_id, accepted_ms) VALUES "
                f"{', '.join(['(?, ?)'] * len(projection.acceptances))}"
                " ON CONFLICT (permit_id) DO NOTHING",
                [v for item in projection.acceptances.items() for v in item],
            )
        ]
    changes = list(projection.changes.values())
    for start in range(0, len(changes), _ROWS_PER_STATEMENT):
        chunk = changes[start : start + _ROWS_PER_STATEMENT]
        values: list[Any] = []
        for c in chunk:
            converted_at = c.property_id if c.converted else None
            values += [
                c.registration_id,
                c.kind,
                c.property_id,
                c.filed_ms,
                c.submitted_ms,
                projection.first_registered.get(c.property_id) if c.converted and c.property_id is not None else None,
                converted_at,
                converted_at if c.kind == "TRANSFER" else None,
                c.review_ms,
                c.decided_ms,
                c.decided_by,
                c.outcome,
            ]
        text = _UPSERT.format(columns=", ".join(_COLUMNS), rows=", ".join([_ROW] * len(chunk)))
        result.append(sql.Statement(text, values))
    return result


def writes(occurred_at: datetime, events: Sequence[NewEvent]) -> list[sql.Statement]:
    """The projection's statements for events (`eventlog.NewEvent`) appended together."""
    at = to_ms(occurred_at)
    return statements(project((e.type.value, at, e.refs.as_dict(), to_jsonable(e.payload)) for e in events))


async def rebuild(conn: BaseDBAsyncClient | None = None, batch: int = 5000) -> int:
    """Empty the projection and replay the log into it, in log order; returns the events read.
    Plain SQL, so it also runs inside a migration, before the models are set up."""
    conn = conn or connections.get("default")
    await sql.execute(conn, [("DELETE FROM metrics_application", []), ("DELETE FROM metrics_permit", [])])
    types = list(EFFECTS)
    after, read = 0, 0
    while True:
        rows = await sql.fetch(
            conn,
            "SELECT seq, type, occurred_at, property_id, registration_id, payload FROM event"
            f" WHERE seq > ? AND type IN ({sql.marks(len(types))}) ORDER BY seq LIMIT ?",
            [after, *types, batch],
            _LoggedEvent,
        )
        if not rows:
            return read
        read += len(rows)
        after = rows[-1].seq
        projected = project(
            (
                e.type,
                to_ms(_instant(e.occurred_at)),
                {"propertyId": e.property_id, "registrationId": e.registration_id},
                _json(e.payload),
            )
            for e in rows
        )
        await sql.execute(conn, statements(projected))


class _LoggedEvent(NamedTuple):
    seq: int
    type: str
    occurred_at: object
    property_id: int | None
    registration_id: int | None
    payload: object


def _instant(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _json(value: object) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value
