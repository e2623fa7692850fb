"""The supervision office's figures (考核), as pure rules over the log's instants (issue 16).

Every figure counts what happened in the period asked, `[from, to)`: an application counts under
the outcome it reached in the period, a duration in the period its step ended, a rate over the
steps that ended in it. Open applications are those open at the period's end (or now, if that
is earlier). Instants are Unix milliseconds, UTC.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

DAY_MS = 86_400_000


class Outcome(str, Enum):
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    IN_REVIEW = "IN_REVIEW"


DECIDED = (Outcome.COMPLETED.value, Outcome.REJECTED.value)


class Step(str, Enum):
    FILING_TO_ADVANCE_NOTICE_DECISION = "FILING_TO_ADVANCE_NOTICE_DECISION"
    SUBMISSION_TO_DECISION = "SUBMISSION_TO_DECISION"
    COMPLETION_ACCEPTANCE_TO_TRANSFER = "COMPLETION_ACCEPTANCE_TO_TRANSFER"
    APPLICATION_TO_DECISION = "APPLICATION_TO_DECISION"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_ms(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


def percentile(ordered: Sequence[int], p: Decimal) -> int:
    """Nearest rank: the smallest value with at least p of the values at or below it."""
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(p * len(ordered)))
    return ordered[rank - 1]


def working_days_after(start: date, end: date) -> int:
    """Working days d with start < d <= end (weekends off; the day of submission not counted)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def working_age(submitted_ms: int, as_of_ms: int, zone: str) -> int:
    """Working days an application has been open, counted in the county's calendar."""
    tz = ZoneInfo(zone)
    return working_days_after(from_ms(submitted_ms).astimezone(tz).date(), from_ms(as_of_ms).astimezone(tz).date())


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) / Decimal(self.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Durations:
    step: Step
    kind: str | None
    decided_by: str | None
    count: int
    p50_ms: int
    p90_ms: int
    max_ms: int


@dataclass(frozen=True)
class Counts:
    kind: str
    completed: int = 0
    rejected: int = 0
    in_review: int = 0
    withdrawn: int = 0


class Row(NamedTuple):
    """What the projection keeps of one application (`ApplicationFigures`)."""

    registration_id: int
    kind: str | None
    filed_ms: int | None
    submitted_ms: int | None
    applied_ms: int | None
    accepted_ms: int | None
    review_ms: int | None
    decided_ms: int | None
    decided_by: str | None
    outcome: str | None


@dataclass(frozen=True)
class Figures:
    counts: list[Counts]
    durations: list[Durations]
    instant_approval: Rate
    delivery_with_certificate: Rate
    zero_visits: Rate


P50, P90 = Decimal("0.5"), Decimal("0.9")


def _summary(step: Step, kind: str | None, decided_by: str | None, values: list[int]) -> Durations:
    values.sort()
    return Durations(step, kind, decided_by, len(values), percentile(values, P50), percentile(values, P90), values[-1])


_COMPLETED, _REJECTED, _IN_REVIEW, _WITHDRAWN = (
    o.value for o in (Outcome.COMPLETED, Outcome.REJECTED, Outcome.IN_REVIEW, Outcome.WITHDRAWN)
)


def figures(decided: Iterable[Row], reviewed: Iterable[Row], delivery_days: int) -> Figures:
    """The period's figures from the applications concluded in it (`decided`: decided_ms in the
    period) and those sent to a person in it (`reviewed`: review_ms in the period)."""
    # A year holds tens of thousands of rows: plain locals and strings in the loop, enums after it.
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    filing: list[int] = []
    transfer: list[int] = []
    by_decider: dict[str | None, list[int]] = defaultdict(list)
    by_kind: dict[str, list[int]] = defaultdict(list)
    approvals_now = decisions = transfers_in_time = concluded = 0
    in_time = delivery_days * DAY_MS
    for row in decided:
        kind, outcome, decided_ms = row.kind or "UNKNOWN", row.outcome, row.decided_ms
        assert outcome is not None and decided_ms is not None  # a concluded application's
        counts[kind][outcome] += 1
        concluded += 1
        if outcome != _COMPLETED and outcome != _REJECTED:
            continue
        decisions += 1
        if outcome == _COMPLETED and row.decided_by == "SYSTEM":
            approvals_now += 1
        if kind == "ADVANCE_NOTICE" and row.filed_ms is not None:
            filing.append(decided_ms - row.filed_ms)
        submitted = row.submitted_ms
        if submitted is not None:
            by_decider[row.decided_by].append(decided_ms - submitted)
        if kind == "TRANSFER" and row.accepted_ms is not None and outcome == _COMPLETED:
            waited = decided_ms - row.accepted_ms
            transfer.append(waited)
            transfers_in_time += waited <= in_time
        start = submitted if submitted is not None else row.applied_ms if row.applied_ms is not None else decided_ms
        by_kind[kind].append(decided_ms - start)
    for row in reviewed:
        counts[row.kind or "UNKNOWN"][_IN_REVIEW] += 1
    durations = []
    if filing:
        durations.append(_summary(Step.FILING_TO_ADVANCE_NOTICE_DECISION, None, None, filing))
    durations += [
        _summary(Step.SUBMISSION_TO_DECISION, None, by, values)
        for by, values in sorted(by_decider.items(), key=lambda i: i[0] or "")
    ]
    if transfer:
        durations.append(_summary(Step.COMPLETION_ACCEPTANCE_TO_TRANSFER, None, None, transfer))
    durations += [
        _summary(Step.APPLICATION_TO_DECISION, kind, None, values) for kind, values in sorted(by_kind.items())
    ]
    return Figures(
        counts=[
            Counts(kind, by[_COMPLETED], by[_REJECTED], by[_IN_REVIEW], by[_WITHDRAWN])
            for kind, by in sorted(counts.items())
        ],
        durations=durations,
        instant_approval=Rate(approvals_now, decisions),
        delivery_with_certificate=Rate(transfers_in_time, len(transfer)),
        # Every step of every application is taken online: the platform has no counter at
        # which a visit could happen, so all concluded applications had none, by construction.
        zero_visits=Rate(concluded, concluded),
    )


@dataclass(frozen=True)
class Overdue:
    registration_id: int
    submitted_ms: int
    working_days: int
    age_ms: int
    in_review: bool


def overdue(open_rows: Iterable[Row], as_of_ms: int, limit_working_days: int, zone: str) -> list[Overdue]:
    """Applications open at `as_of_ms` for more than the statutory limit, oldest first."""
    found = []
    for row in open_rows:
        submitted_ms = row.submitted_ms
        assert submitted_ms is not None  # an open application is a submitted one
        age = working_age(submitted_ms, as_of_ms, zone)
        if age > limit_working_days:
            found.append(
                Overdue(
                    row.registration_id,
                    submitted_ms,
                    age,
                    as_of_ms - submitted_ms,
                    row.review_ms is not None and row.review_ms <= as_of_ms,
                )
            )
    return sorted(found, key=lambda o: (o.submitted_ms, o.registration_id))


@dataclass
class Change:
    """What one transaction's events say of one application; merged into its row."""

    registration_id: int
    kind: str | None = None
    property_id: int | None = None
    filed_ms: int | None = None
    submitted_ms: int | None = None
    review_ms: int | None = None
    decided_ms: int | None = None
    decided_by: str | None = None
    outcome: str | None = None
    converted: bool = False


@dataclass
class Projection:
    """`project`'s result: the applications' changes and the permits' acceptances."""

    changes: dict[int, Change] = field(default_factory=dict)
    acceptances: dict[int, int] = field(default_factory=dict)
    # Property -> first registration instant, for conversions in the same transaction.
    first_registered: dict[int, int] = field(default_factory=dict)

    def change(self, registration_id: int) -> Change:
        found = self.changes.get(registration_id)
        if found is None:
            found = self.changes[registration_id] = Change(registration_id)
        return found


Refs = dict[str, Any]
Payload = dict[str, Any]
Effect = Callable[["Projection", int, Refs, Payload], None]


def _text(value: Any) -> str | None:
    return None if value is None else getattr(value, "value", value)


def _filed(p: Projection, at: int, refs: Refs, payload: Payload) -> None:
    if payload.get("advanceRegistrationId") is not None:
        c = p.change(payload["advanceRegistrationId"])
        c.kind, c.property_id, c.filed_ms = "ADVANCE_NOTICE", refs.get("propertyId"), c.filed_ms or at


def _application(p: Projection, refs: Refs, payload: Payload) -> Change | None:
    """The application an event is about; an event that names none changes nothing."""
    registration_id = refs.get("registrationId") or payload.get("registrationId")
    return None if registration_id is None else p.change(registration_id)


def _submitted(p: Projection, at: int, refs: Refs, payload: Payload) -> None:
    if (c := _application(p, refs, payload)) is None:
        return
    c.property_id, c.kind = refs.get("propertyId") or c.property_id, _text(payload.get("kind")) or c.kind
    # A second application (补正, reapplyAdvanceRegistration) is generated awaiting signatures,
    # as the filing generates the first: it is submitted when an applicant signs it.
    # An application the platform makes itself that waits only for its fee (登记费: first
    # registration, first transfer, converted mortgage) is no person's submission either: its
    # figures run from the application it belongs to, as before fees.
    if "reappliedAfter" not in payload and payload.get("awaiting") != "FEE":
        c.submitted_ms = c.submitted_ms or at


def concluded(outcome: Outcome) -> Effect:
    def apply(p: Projection, at: int, refs: Refs, payload: Payload) -> None:
        if (c := _application(p, refs, payload)) is None:
            return
        c.property_id = refs.get("propertyId") or c.property_id
        c.kind = _text(payload.get("kind")) or c.kind
        c.decided_ms, c.outcome = at, outcome.value
        c.decided_by = _text(payload.get("decidedBy")) or ("SYSTEM" if outcome != Outcome.WITHDRAWN else None)
        c.converted = "convertedFrom" in payload
        if c.kind == "FIRST_OWNERSHIP" and c.property_id is not None:
            p.first_registered[c.property_id] = at

    return apply


def _withdrawn_with_contract(p: Projection, at: int, refs: Refs, payload: Payload) -> None:
    for registration_id in payload.get("withdrawnRegistrations") or ():
        c = p.change(registration_id)
        c.property_id, c.decided_ms, c.outcome = refs.get("propertyId"), at, Outcome.WITHDRAWN.value


def _accepted(p: Projection, at: int, refs: Refs, payload: Payload) -> None:
    if payload.get("permitId") is not None:
        p.acceptances.setdefault(payload["permitId"], at)


def reviewed(p: Projection, at: int, refs: Refs, payload: Payload) -> None:
    """Sent to a person (转人工审核). A correction is applied for straight into review, so its
    review is also its submission; an advance notice's submission came first and stands."""
    if (c := _application(p, refs, payload)) is None:
        return
    c.property_id = refs.get("propertyId") or c.property_id
    c.kind = _text(payload.get("kind")) or c.kind
    c.submitted_ms = c.submitted_ms or at
    c.review_ms = c.review_ms or at


# What each event type tells of an application (issue 13's kinds CANCELLATION, OBJECTION and
# CORRECTION come through these with their `kind`; a court's cancellation and an objection are
# decided by the REGISTRAR who registers them, and count as a person's decisions). A right that
# lapses (RIGHT_LAPSED) or a lawsuit recorded ends no application: they change no figure.
EFFECTS: dict[str, Effect] = {
    "CONTRACT_FILED": _filed,
    "REGISTRATION_SUBMITTED": _submitted,
    "REGISTRATION_IN_REVIEW": reviewed,
    "REGISTRATION_COMPLETED": concluded(Outcome.COMPLETED),
    "REGISTRATION_REJECTED": concluded(Outcome.REJECTED),
    "REGISTRATION_WITHDRAWN": concluded(Outcome.WITHDRAWN),
    "CONTRACT_CANCELLED": _withdrawn_with_contract,
    "COMPLETION_ACCEPTED": _accepted,
}


def project(events: Iterable[tuple[str, int, Refs, Payload]], effects: dict[str, Effect] = EFFECTS) -> Projection:
    """(type, occurred ms, refs, payload) in log order -> what they change in the projection."""
    projection = Projection()
    for event_type, at, refs, payload in events:
        effect = effects.get(event_type)
        if effect is not None:
            effect(projection, at, refs, payload)
    return projection
