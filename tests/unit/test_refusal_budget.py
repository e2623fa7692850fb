"""RefusalBudget: a subject whose requests a limit refuses, over and over, waits before its next
request is looked at; everyone else is let in as before (api/admission.py)."""

from __future__ import annotations

import asyncio

import pytest

from api import logs
from api.admission import AdmissionLimit, Identity, RefusalBudget
from api.app import refusal_budget
from api.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_free_and_each_refusal_beyond_it_costs_one_interval():
    clock = Clock()
    budget = RefusalBudget(rate=1.0, burst=3, max_wait=10.0, clock=clock)
    for _ in range(3):
        budget.refused("abuser")
        assert budget.wait("abuser") == 0.0
    budget.refused("abuser")
    assert budget.wait("abuser") == pytest.approx(1.0)
    budget.refused("abuser")
    assert budget.wait("abuser") == pytest.approx(2.0)
    assert budget.wait("someone else") == 0.0
    clock.now += 2.0  # the debt is paid at the rate, asleep or not
    assert budget.wait("abuser") == 0.0


def test_the_wait_is_bounded_and_a_paid_off_subject_is_forgotten():
    clock = Clock()
    budget = RefusalBudget(rate=1.0, burst=2, max_wait=5.0, clock=clock)
    for _ in range(1000):
        budget.refused("abuser")
    assert budget.wait("abuser") == 5.0
    clock.now += 7.0  # the debt never exceeds the burst and the longest wait
    assert budget.wait("abuser") == 0.0
    assert "abuser" not in budget.paid_off_at


def refusing_app(refused_subjects: set[str], started: list[str]):
    """Answers every request; those of `refused_subjects` are refused by a limit."""

    async def app(scope, receive, send) -> None:
        started.append(scope["name"])
        note = logs.current_note()
        assert note is not None
        note.codes = ["QUERY_TOO_COMPLEX"] if scope["subject"] in refused_subjects else []
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def request(name: str, subject: str) -> dict:
    return {"type": "http", "method": "POST", "path": "/graphql", "headers": [], "name": name, "subject": subject}


async def empty_body() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


async def ignore(message) -> None:
    pass


async def test_a_subject_over_its_budget_waits_and_the_others_do_not():
    started: list[str] = []
    budget = RefusalBudget(rate=5.0, burst=2, max_wait=10.0)
    limited = AdmissionLimit(
        refusing_app({"abuser"}, started),
        limit=4,
        identify=lambda scope: Identity(scope["subject"], True),
        refusals=budget,
    )
    app = logs.RequestLog(limited, access_log=False)
    for n in range(4):  # two within the burst, two beyond: 0.4 s owed
        await app(request(f"refused {n}", "abuser"), empty_body, ignore)
    assert started == [f"refused {n}" for n in range(4)]
    held = asyncio.create_task(app(request("held", "abuser"), empty_body, ignore))
    await app(request("buyer", "buyer"), empty_body, ignore)
    await asyncio.sleep(0.05)
    assert "held" not in started and started[-1] == "buyer"
    await held
    assert started[-1] == "held"


async def test_a_body_over_the_limit_counts_as_a_refusal():
    budget = RefusalBudget(rate=1.0, burst=1, max_wait=10.0)
    limited = AdmissionLimit(
        refusing_app(set(), []),
        limit=4,
        identify=lambda scope: Identity(scope["subject"], False),
        max_anonymous_body_bytes=10,
        refusals=budget,
    )
    oversized = {**request("big", "anonymous:127.0.0.1"), "headers": [(b"content-length", b"2000000")]}
    for _ in range(2):
        await limited(oversized, empty_body, ignore)
    assert budget.wait("anonymous:127.0.0.1") == pytest.approx(1.0, abs=0.1)


def test_the_budget_is_a_setting_and_zero_turns_it_off(monkeypatch):
    assert refusal_budget(Settings(refusal_burst=0)) is None
    assert refusal_budget(Settings(refusals_per_minute=0)) is None
    monkeypatch.setenv("ONEWINDOW_REFUSAL_BURST", "30")
    monkeypatch.setenv("ONEWINDOW_REFUSALS_PER_MINUTE", "120")
    budget = refusal_budget(Settings.from_env())
    assert budget is not None and budget.tolerance == pytest.approx(15.0) and budget.interval == pytest.approx(0.5)
