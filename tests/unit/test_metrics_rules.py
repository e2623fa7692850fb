"""Supervision figures as pure rules: percentiles, working days, the period's figures by hand."""
from __future__ import annotations

from datetime import date, datetime, timezone
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
    friday_night = to_ms(datetime(2026, 6, 5, 23, 30, tzinfo=timezone.utc))
    next_friday = to_ms(datetime(2026, 6, 12, 9, 0, tzinfo=timezone.utc))
    assert working_age(friday_night, next_friday, "Asia/Shanghai") == 5
    assert working_age(friday_night, next_friday, "UTC") == 5  # Mon..Fri after a Friday, too
    assert working_age(friday_night, next_friday - 10 * H, "Asia/Shanghai") == 5  # Fri 07:00 Shanghai


def row(registration_id, kind, outcome, decided, decided_by="SYSTEM", filed=None, submitted=None, applied=None,
        accepted=None, review=None) -> Row:
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
    assert (counts["ADVANCE_NOTICE"].completed, counts["ADVANCE_NOTICE"].rejected, counts["ADVANCE_NOTICE"].withdrawn,
            counts["ADVANCE_NOTICE"].in_review) == (3, 1, 1, 1)
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
    monday = to_ms(datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc))  # 10:00 in Shanghai
    as_of = to_ms(datetime(2026, 6, 9, 2, 0, tzinfo=timezone.utc))  # next Tuesday: 6 working days later
    rows = [row(1, "ADVANCE_NOTICE", None, None, submitted=monday + H),
            row(2, "ADVANCE_NOTICE", None, None, submitted=monday - 3 * DAY_MS, review=monday),
            row(3, "ADVANCE_NOTICE", None, None, submitted=monday + 2 * DAY_MS)]
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
    plain = project(events).changes[3]
    assert (plain.kind, plain.filed_ms, plain.submitted_ms, plain.review_ms) == ("ADVANCE_NOTICE", 0, 5, None)
    with_review = project(events, {**EFFECTS, "REGISTRATION_IN_REVIEW": reviewed}).changes[3]
    assert with_review.review_ms == 12
    withdrawn = project([("CONTRACT_CANCELLED", 20, {"propertyId": 7}, {"withdrawnRegistrations": [3, 4]})]).changes
    assert {k: (c.outcome, c.decided_ms) for k, c in withdrawn.items()} == {3: (Outcome.WITHDRAWN.value, 20), 4: (Outcome.WITHDRAWN.value, 20)}


def test_an_event_that_names_no_application_changes_nothing():
    projection = project([("REGISTRATION_SUBMITTED", 1, {"propertyId": 7}, {}),
                          ("REGISTRATION_COMPLETED", 2, {}, {"kind": "SEIZURE"}),
                          ("COMPLETION_ACCEPTED", 3, {}, {})])
    assert projection.changes == {} and projection.acceptances == {}
