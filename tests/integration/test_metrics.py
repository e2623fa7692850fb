"""metrics(from, to) over a county's sales played through the API, with the clock injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from api.app import create_app
from domain import metrics_projection
from domain.clock import FixedClock
from domain.models import ApplicationFigures
from tests import ids
from tests.changes import Changes
from tests.story import Life
from tests.support import GraphQLClient, token

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

METRICS = """query($from: DateTime!, $to: DateTime!) { metrics(from: $from, to: $to) {
  from to asOf statutoryLimitWorkingDays deliveryWithCertificateDays
  applications { kind completed rejected inReview withdrawn }
  durations { step kind decidedBy count p50Seconds p90Seconds maxSeconds }
  instantApproval { numerator denominator value }
  deliveryWithCertificate { numerator denominator value }
  zeroVisits { numerator denominator value }
  overdue { registrationId kind status unitCode submittedAt workingDaysOpen openSeconds registration { kind status } }
} }"""


@pytest.fixture
def clock():
    return FixedClock(T0)


@pytest.fixture
async def life(db, settings, clock):
    app = create_app(settings, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://onewindow.test") as http:
        yield await Changes(GraphQLClient(http)).setup()


async def _story(life: Life, clock: FixedClock) -> dict:
    """A: filed, submitted 2 h later (instant approval), tax paid 3 days after completion
    acceptance. B: two buyers, one submits 1 h after T0, the other never. C: filed and cancelled."""
    permit, (a, b, c) = await life.permit_with_units(units=3)
    contract_a, notice_a = await life.filed_contract(a["id"])
    clock.advance(timedelta(hours=1))
    _, notice_b = await life.filed_contract(
        b["id"], buyer_tokens={ids.LI_SI: life.actors.li, ids.WANG_WU: life.actors.wang}
    )
    assert (await life.submit(notice_b["id"], life.actors.li))["userErrors"] == []
    clock.advance(timedelta(hours=1))
    assert (await life.submit(notice_a["id"], life.actors.zhang))["registration"]["status"] == "COMPLETED"
    contract_c, _ = await life.filed_contract(c["id"])
    clock.advance(timedelta(hours=1))
    assert (await life.cancel(contract_c["id"]))["userErrors"] == []
    clock.advance(timedelta(days=10) - timedelta(hours=3))  # T0 + 10 days
    assert (await life.accept_completion(permit["id"]))["userErrors"] == []
    clock.advance(timedelta(days=1))
    registered = await life.first_registration(permit["id"])
    assert registered["userErrors"] == [] and registered["transfers"] == []  # A's deed tax is not paid yet
    clock.advance(timedelta(days=2))  # T0 + 13 days
    await life.pay_all(contract_a["id"])
    clock.advance(timedelta(days=7))  # now: T0 + 20 days, a Sunday
    return {"a": a, "b": b, "notice_b": notice_b}


async def _metrics(life: Life, bearer: str, start: datetime, end: datetime) -> dict | None:
    data = await life.client.data(METRICS, {"from": start.isoformat(), "to": end.isoformat()}, bearer=bearer)
    return data["metrics"]


async def test_the_figures_of_a_period_by_hand(life, clock):
    story = await _story(life, clock)
    m = await _metrics(life, token("SUPERVISOR"), T0 - timedelta(days=1), T0 + timedelta(days=30))
    assert m["asOf"] == (T0 + timedelta(days=20)).isoformat()
    assert {a["kind"]: (a["completed"], a["rejected"], a["inReview"], a["withdrawn"]) for a in m["applications"]} == {
        "ADVANCE_NOTICE": (1, 0, 0, 1),
        "FIRST_OWNERSHIP": (3, 0, 0, 0),
        "TRANSFER": (1, 0, 0, 0),
    }
    durations = {
        (d["step"], d["kind"], d["decidedBy"]): (d["count"], d["p50Seconds"], d["p90Seconds"], d["maxSeconds"])
        for d in m["durations"]
    }
    day = 86400
    assert durations == {
        ("FILING_TO_ADVANCE_NOTICE_DECISION", None, None): (1, "7200", "7200", "7200"),
        ("SUBMISSION_TO_DECISION", None, "SYSTEM"): (1, "0", "0", "0"),
        ("COMPLETION_ACCEPTANCE_TO_TRANSFER", None, None): (1, str(3 * day), str(3 * day), str(3 * day)),
        ("APPLICATION_TO_DECISION", "ADVANCE_NOTICE", None): (1, "0", "0", "0"),
        ("APPLICATION_TO_DECISION", "FIRST_OWNERSHIP", None): (3, "0", "0", "0"),
        ("APPLICATION_TO_DECISION", "TRANSFER", None): (1, str(2 * day), str(2 * day), str(2 * day)),
    }
    # Five decisions, all the system's approvals; six concluded applications with the withdrawal.
    assert m["instantApproval"] == {"numerator": 5, "denominator": 5, "value": "1.0000"}
    assert m["deliveryWithCertificate"] == {"numerator": 1, "denominator": 1, "value": "1.0000"}
    assert m["zeroVisits"] == {"numerator": 6, "denominator": 6, "value": "1.0000"}
    # B waits for its second buyer since Monday 11:00: 14 working days by Sunday of the third week.
    [late] = m["overdue"]
    assert (late["registrationId"], late["kind"], late["status"], late["unitCode"]) == (
        story["notice_b"]["id"],
        "ADVANCE_NOTICE",
        "AWAITING_SIGNATURE",
        story["b"]["unitCode"],
    )
    assert (late["workingDaysOpen"], late["openSeconds"]) == (14, 20 * day - 3600)
    assert late["submittedAt"] == (T0 + timedelta(hours=1)).isoformat()
    assert late["registration"] == {"kind": "ADVANCE_NOTICE", "status": "AWAITING_SIGNATURE"}


async def test_a_period_counts_only_what_ended_in_it(life, clock):
    await _story(life, clock)
    first_days = await _metrics(life, token("REGISTRAR"), T0, T0 + timedelta(days=10))
    assert {a["kind"]: a["completed"] for a in first_days["applications"]} == {"ADVANCE_NOTICE": 1}
    assert first_days["deliveryWithCertificate"]["value"] is None
    # As of the end of day 3 (Thursday), B is open 3 working days: within the limit.
    early = await _metrics(life, token("REGISTRAR"), T0, T0 + timedelta(days=3))
    assert early["overdue"] == [] and early["asOf"] == (T0 + timedelta(days=3)).isoformat()
    later = await _metrics(life, token("REGISTRAR"), T0 + timedelta(days=12), T0 + timedelta(days=14))
    assert {a["kind"]: a["completed"] for a in later["applications"]} == {"TRANSFER": 1}


async def test_only_the_supervision_office_and_the_registrar_see_figures(life, clock):
    await _story(life, clock)
    for bearer in (token("HOUSING"), token("TAX"), life.actors.bank, life.actors.developer, life.actors.zhang):
        assert await _metrics(life, bearer, T0, T0 + timedelta(days=30)) is None
    anonymous = await life.client.execute(METRICS, {"from": T0.isoformat(), "to": T0.isoformat()})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_period_that_ends_before_it_begins_is_refused_naming_the_field(life):
    answer = await life.client.execute(
        METRICS, {"from": T0.isoformat(), "to": (T0 - timedelta(days=1)).isoformat()}, bearer=token("SUPERVISOR")
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT" and error["extensions"]["field"] == ["to"]


async def test_the_projection_is_what_a_replay_of_the_log_gives(life, clock):
    await _story(life, clock)
    live = await ApplicationFigures.all().order_by("registration_id").values()
    assert len(live) == 3 + 3 + 1  # three advance notices, three first registrations, one transfer
    assert await metrics_projection.rebuild(batch=3) > 0
    assert await ApplicationFigures.all().order_by("registration_id").values() == live


async def test_an_application_reviewed_and_decided_by_a_person(life, clock):
    """A: the buyer answers "no" 1 h after T0 (in review), a registrar approves it 2 days later.
    B: in review 2 h after T0, withdrawn by its buyer 3 h after T0."""
    _, (a, b) = await life.permit_with_units(units=2)
    _, notice_a = await life.filed_contract(a["id"])
    _, notice_b = await life.filed_contract(b["id"], buyer_tokens={ids.LI_SI: life.actors.li})
    clock.advance(timedelta(hours=1))
    assert (await life.submit(notice_a["id"], life.actors.zhang, accept=False))["registration"]["status"] == "IN_REVIEW"
    clock.advance(timedelta(hours=1))
    assert (await life.submit(notice_b["id"], life.actors.li, accept=False))["registration"]["status"] == "IN_REVIEW"
    clock.advance(timedelta(hours=1))
    assert (await life.withdraw(notice_b["id"], life.actors.li))["registration"]["status"] == "WITHDRAWN"
    clock.advance(timedelta(days=2) - timedelta(hours=2))  # T0 + 2 days + 1 h
    decided = (await life.decide(notice_a["id"], True, reason="买受人已书面确认"))["registration"]
    assert (decided["status"], decided["decidedBy"]) == ("COMPLETED", "REGISTRAR")

    m = await _metrics(life, token("SUPERVISOR"), T0, T0 + timedelta(days=7))
    assert {x["kind"]: (x["completed"], x["rejected"], x["inReview"], x["withdrawn"]) for x in m["applications"]} == {
        "ADVANCE_NOTICE": (1, 0, 2, 1)
    }
    durations = {
        (d["step"], d["kind"], d["decidedBy"]): (d["count"], d["p50Seconds"], d["maxSeconds"]) for d in m["durations"]
    }
    two_days = str(2 * 86400)
    assert durations[("SUBMISSION_TO_DECISION", None, "REGISTRAR")] == (1, two_days, two_days)
    assert ("SUBMISSION_TO_DECISION", None, "SYSTEM") not in durations
    # Filed at T0, decided at T0 + 2 days + 1 h.
    assert durations[("FILING_TO_ADVANCE_NOTICE_DECISION", None, None)] == (
        1,
        str(2 * 86400 + 3600),
        str(2 * 86400 + 3600),
    )
    # One decision, a person's: no instant approval; two concluded applications, no visit.
    assert m["instantApproval"] == {"numerator": 0, "denominator": 1, "value": "0.0000"}
    assert m["zeroVisits"] == {"numerator": 2, "denominator": 2, "value": "1.0000"}
    # The day of the withdrawal alone: B withdrawn, both sent to a person, nothing decided.
    first_day = await _metrics(life, token("REGISTRAR"), T0, T0 + timedelta(days=1))
    assert [(x["kind"], x["completed"], x["inReview"], x["withdrawn"]) for x in first_day["applications"]] == [
        ("ADVANCE_NOTICE", 0, 2, 1)
    ]
    assert first_day["instantApproval"]["denominator"] == 0
    live = await ApplicationFigures.all().order_by("registration_id").values()
    await metrics_projection.rebuild()
    assert await ApplicationFigures.all().order_by("registration_id").values() == live
