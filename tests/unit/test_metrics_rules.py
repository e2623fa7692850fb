"""Supervision figures as pure rules: percentiles, working days, the period's figures by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.rules.metrics import (
    DAY_MS,
    EFFECTS,
    Outcome,
    Row,
    Step,
    figures,
    overdue,
    percentile,
    project,
    reviewed,
    to_ms,
    working_age,
    working_days_after,
)

H = 3_600_000


def test_percentile_is_the_nearest_rank():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert percentile(values, Decimal("0.5")) == 5
    assert percentile(values, Decimal("0.9")) == 9
    assert percentile([7], Decimal("0.9")) == 7
    assert percentile([1, 100], Decimal("0.5")) == 1
    with pytest.raises(ValueError):
        percentile([], Decimal("0.5"))


def test_working_days_skip_weekends_and_the_day_of_submission():
    monday = date(2026, 6, 1)
    assert monday.weekday() == 0
    assert working_days_after(monday, monday) == 0
    assert working_days_after(monday, date(2026, 6, 5)) == 4  # Tue..Fri
    assert working_days_after(monday, date(2026, 6, 7)) == 4  # the weekend adds nothing
    assert working_days_after(monday, date(2026, 6, 8)) == 5
    assert working_days_after(date(2026, 6, 6), date(2026, 6, 12)) == 5  # from a Saturday: Mon..Fri
    assert working_days_after(monday, date(2026, 6, 29)) == 20


def test_working_age_counts_in_the_county_calendar():
    # 23:30 UTC on Friday is Saturday 07:30 in Shanghai: the next Friday is the 5th working day.
    friday_night = to_ms(datetime(2026, 6, 5, 23, 30, tzinfo=UTC))
    next_friday = to_ms(datetime(2026, 6, 12, 9, 0, tzinfo=UTC))
    assert working_age(friday_night, next_friday, "Asia/Shanghai") == 5
    assert working_age(friday_night, next_friday, "UTC") == 5  # Mon..Fri after a Friday, too
    assert working_age(friday_night, next_friday - 10 * H, "Asia/Shanghai") == 5  # Fri 07:00 Shanghai


def row(
    registration_id,
    kind,
    outcome,
    decided,
    decided_by="SYSTEM",
    filed=None,
    submitted=None,
    applied=None,
    accepted=None,
    review=None,
) -> Row:
    return Row(registration_id, kind, filed, submitted, applied, accepted, review, decided, decided_by, outcome)


def test_figures_by_hand():
    decided = [
        # Advance notices: filed, submitted, decided at once (two) or rejected after an hour.
        row(1, "ADVANCE_NOTICE", "COMPLETED", 10 * H, filed=0, submitted=10 * H),
        row(2, "ADVANCE_NOTICE", "COMPLETED", 30 * H, filed=0, submitted=28 * H),
        row(3, "ADVANCE_NOTICE", "REJECTED", 5 * H, filed=H, submitted=5 * H),
        row(4, "ADVANCE_NOTICE", "WITHDRAWN", 50 * H, decided_by=None, filed=2 * H, submitted=3 * H),
        # A person's decision (issue 13): 2 days after submission.
        row(5, "ADVANCE_NOTICE", "COMPLETED", 48 * H + H, decided_by="REGISTRAR", filed=0, submitted=H),
        # First registration (one step) and transfers 3 and 40 days after completion acceptance.
        row(6, "FIRST_OWNERSHIP", "COMPLETED", 100 * H),
        row(7, "TRANSFER", "COMPLETED", 100 * H + 3 * DAY_MS, applied=100 * H, accepted=100 * H),
        row(8, "TRANSFER", "COMPLETED", 100 * H + 40 * DAY_MS, applied=100 * H, accepted=100 * H),
    ]
    result = figures(decided, [row(9, "ADVANCE_NOTICE", None, None, review=7 * H)], delivery_days=30)
    counts = {c.kind: c for c in result.counts}
    assert (
        counts["ADVANCE_NOTICE"].completed,
        counts["ADVANCE_NOTICE"].rejected,
        counts["ADVANCE_NOTICE"].withdrawn,
        counts["ADVANCE_NOTICE"].in_review,
    ) == (3, 1, 1, 1)
    assert (counts["TRANSFER"].completed, counts["FIRST_OWNERSHIP"].completed) == (2, 1)
    steps = {(d.step, d.kind, d.decided_by): d for d in result.durations}
    filing = steps[(Step.FILING_TO_ADVANCE_NOTICE_DECISION, None, None)]
    # 10 h, 30 h, 4 h, 49 h -> sorted 4, 10, 30, 49: p50 rank 2, p90 rank 4.
    assert (filing.count, filing.p50_ms, filing.p90_ms, filing.max_ms) == (4, 10 * H, 49 * H, 49 * H)
    instant = steps[(Step.SUBMISSION_TO_DECISION, None, "SYSTEM")]
    assert (instant.count, instant.p50_ms, instant.p90_ms, instant.max_ms) == (3, 0, 2 * H, 2 * H)
    person = steps[(Step.SUBMISSION_TO_DECISION, None, "REGISTRAR")]
    assert (person.count, person.max_ms) == (1, 48 * H)
    transfer = steps[(Step.COMPLETION_ACCEPTANCE_TO_TRANSFER, None, None)]
    assert (transfer.count, transfer.p50_ms, transfer.max_ms) == (2, 3 * DAY_MS, 40 * DAY_MS)
    assert steps[(Step.APPLICATION_TO_DECISION, "TRANSFER", None)].p90_ms == 40 * DAY_MS
    assert steps[(Step.APPLICATION_TO_DECISION, "FIRST_OWNERSHIP", None)].max_ms == 0
    # Decisions: 7 (the withdrawal is none); approved by the system at once: 1, 2, 6, 7, 8.
    assert (result.instant_approval.numerator, result.instant_approval.denominator) == (5, 7)
    assert result.instant_approval.value == Decimal("0.7143")
    assert (result.delivery_with_certificate.numerator, result.delivery_with_certificate.denominator) == (1, 2)
    assert (result.zero_visits.numerator, result.zero_visits.denominator) == (8, 8)


def test_no_decisions_give_rates_without_a_value():
    result = figures([], [], delivery_days=30)
    assert result.counts == [] and result.durations == []
    assert result.instant_approval.value is None and result.zero_visits.value is None


def test_overdue_lists_what_is_open_past_the_limit_oldest_first():
    monday = to_ms(datetime(2026, 6, 1, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    as_of = to_ms(datetime(2026, 6, 9, 2, 0, tzinfo=UTC))  # next Tuesday: 6 working days later
    rows = [
        row(1, "ADVANCE_NOTICE", None, None, submitted=monday + H),
        row(2, "ADVANCE_NOTICE", None, None, submitted=monday - 3 * DAY_MS, review=monday),
        row(3, "ADVANCE_NOTICE", None, None, submitted=monday + 2 * DAY_MS),
    ]
    late = overdue(rows, as_of, 5, "Asia/Shanghai")
    assert [(o.registration_id, o.working_days, o.in_review) for o in late] == [(2, 7, True), (1, 6, False)]
    assert late[1].age_ms == 8 * DAY_MS - H


def test_the_projection_reads_each_event_once_and_new_types_slot_in():
    events = [
        ("CONTRACT_FILED", 0, {"propertyId": 7}, {"advanceRegistrationId": 3}),
        ("REGISTRATION_SUBMITTED", 5, {"propertyId": 7, "registrationId": 3}, {}),
        ("REGISTRATION_SUBMITTED", 9, {"propertyId": 7, "registrationId": 3}, {}),
        ("REGISTRATION_IN_REVIEW", 12, {"propertyId": 7, "registrationId": 3}, {"kind": "ADVANCE_NOTICE"}),
        ("TAX_PAID", 13, {"propertyId": 7}, {}),
    ]
    without_review = {k: v for k, v in EFFECTS.items() if k != "REGISTRATION_IN_REVIEW"}
    plain = project(events, without_review).changes[3]
    assert (plain.kind, plain.filed_ms, plain.submitted_ms, plain.review_ms) == ("ADVANCE_NOTICE", 0, 5, None)
    with_review = project(events, {**without_review, "REGISTRATION_IN_REVIEW": reviewed}).changes[3]
    assert (with_review.submitted_ms, with_review.review_ms) == (5, 12)
    withdrawn = project([("CONTRACT_CANCELLED", 20, {"propertyId": 7}, {"withdrawnRegistrations": [3, 4]})]).changes
    assert {k: (c.outcome, c.decided_ms) for k, c in withdrawn.items()} == {
        3: (Outcome.WITHDRAWN.value, 20),
        4: (Outcome.WITHDRAWN.value, 20),
    }


def test_an_event_that_names_no_application_changes_nothing():
    projection = project(
        [
            ("REGISTRATION_SUBMITTED", 1, {"propertyId": 7}, {}),
            ("REGISTRATION_COMPLETED", 2, {}, {"kind": "SEIZURE"}),
            ("COMPLETION_ACCEPTED", 3, {}, {}),
        ]
    )
    assert projection.changes == {} and projection.acceptances == {}


def _rows(projection) -> list[Row]:
    return [
        Row(
            c.registration_id,
            c.kind,
            c.filed_ms,
            c.submitted_ms,
            None,
            None,
            c.review_ms,
            c.decided_ms,
            c.decided_by,
            c.outcome,
        )
        for c in projection.changes.values()
    ]


def refs(registration_id: int) -> dict:
    return {"propertyId": 7, "registrationId": registration_id}


def test_issue_13s_events_give_review_withdrawal_and_a_persons_decision_by_hand():
    """Each registration's story in events (hours), then the figures of the whole period."""
    events = [
        # 1: inquiry answered "no" at submission (1 h): in review, approved by a registrar at 26 h.
        ("CONTRACT_FILED", 0, {"propertyId": 7}, {"advanceRegistrationId": 1}),
        ("REGISTRATION_SUBMITTED", H, refs(1), {"kind": "ADVANCE_NOTICE"}),
        ("REGISTRATION_IN_REVIEW", H, refs(1), {"kind": "ADVANCE_NOTICE", "failedChecks": ["INQUIRY_ACCEPTED"]}),
        ("REGISTRATION_COMPLETED", 26 * H, refs(1), {"kind": "ADVANCE_NOTICE", "decidedBy": "REGISTRAR"}),
        # 2: in review at 2 h, rejected by a registrar at 6 h; 3 is its second application,
        # generated at 7 h (not a submission), signed at 9 h, approved at once.
        ("REGISTRATION_SUBMITTED", 2 * H, refs(2), {"kind": "ADVANCE_NOTICE"}),
        ("REGISTRATION_IN_REVIEW", 2 * H, refs(2), {"kind": "ADVANCE_NOTICE"}),
        ("REGISTRATION_REJECTED", 6 * H, refs(2), {"kind": "ADVANCE_NOTICE", "decidedBy": "REGISTRAR"}),
        ("REGISTRATION_SUBMITTED", 7 * H, refs(3), {"kind": "ADVANCE_NOTICE", "reappliedAfter": 2}),
        ("REGISTRATION_SUBMITTED", 9 * H, refs(3), {"kind": "ADVANCE_NOTICE"}),
        ("REGISTRATION_COMPLETED", 9 * H, refs(3), {"kind": "ADVANCE_NOTICE", "decidedBy": "SYSTEM"}),
        # 4: a cancellation applied for at 10 h, withdrawn by its applicant at 12 h.
        ("REGISTRATION_SUBMITTED", 10 * H, refs(4), {"kind": "CANCELLATION"}),
        ("REGISTRATION_WITHDRAWN", 12 * H, refs(4), {"kind": "CANCELLATION", "reason": "改主意"}),
        # 5: a correction, in review from its application at 20 h, approved at 68 h; 6 still in review.
        ("REGISTRATION_IN_REVIEW", 20 * H, refs(5), {"kind": "CORRECTION"}),
        ("REGISTRATION_COMPLETED", 68 * H, refs(5), {"kind": "CORRECTION", "decidedBy": "REGISTRAR"}),
        ("REGISTRATION_IN_REVIEW", 30 * H, refs(6), {"kind": "CORRECTION"}),
        # 7: an objection registered by a registrar at once; it lapses later (no figure).
        ("REGISTRATION_COMPLETED", 40 * H, refs(7), {"kind": "OBJECTION", "decidedBy": "REGISTRAR"}),
        ("RIGHT_LAPSED", 400 * H, refs(7), {"kind": "OBJECTION"}),
    ]
    rows = {r.registration_id: r for r in _rows(project(events))}
    assert (rows[3].submitted_ms, rows[3].filed_ms) == (9 * H, None)
    assert (rows[5].submitted_ms, rows[5].review_ms) == (20 * H, 20 * H)
    assert (rows[4].outcome, rows[4].decided_by, rows[4].decided_ms) == ("WITHDRAWN", None, 12 * H)
    assert (rows[7].outcome, rows[7].decided_ms) == ("COMPLETED", 40 * H)  # the lapse changes nothing
    decided = [r for r in rows.values() if r.decided_ms is not None]
    result = figures(decided, [r for r in rows.values() if r.review_ms is not None], delivery_days=30)
    counts = {c.kind: (c.completed, c.rejected, c.in_review, c.withdrawn) for c in result.counts}
    assert counts == {
        "ADVANCE_NOTICE": (2, 1, 2, 0),
        "CANCELLATION": (0, 0, 0, 1),
        "CORRECTION": (1, 0, 2, 0),
        "OBJECTION": (1, 0, 0, 0),
    }
    steps = {(d.step, d.kind, d.decided_by): (d.count, d.p50_ms, d.p90_ms, d.max_ms) for d in result.durations}
    # By a person: 25 h (1), 4 h (2), 48 h (5) -> sorted 4, 25, 48; p50 rank 2, p90 rank 3.
    assert steps[(Step.SUBMISSION_TO_DECISION, None, "REGISTRAR")] == (3, 25 * H, 48 * H, 48 * H)
    assert steps[(Step.SUBMISSION_TO_DECISION, None, "SYSTEM")] == (1, 0, 0, 0)
    # Filing -> decision only for the filed notice's own application: 26 h.
    assert steps[(Step.FILING_TO_ADVANCE_NOTICE_DECISION, None, None)] == (1, 26 * H, 26 * H, 26 * H)
    assert steps[(Step.APPLICATION_TO_DECISION, "OBJECTION", None)] == (1, 0, 0, 0)
    assert steps[(Step.APPLICATION_TO_DECISION, "CORRECTION", None)] == (1, 48 * H, 48 * H, 48 * H)
    # Five decisions (the withdrawal is none), one by the system at once.
    assert (result.instant_approval.numerator, result.instant_approval.denominator) == (1, 5)
    assert (result.zero_visits.numerator, result.zero_visits.denominator) == (6, 6)
