"""Two registrars decide the same applications at once, through two server processes on
PostgreSQL: each application gets exactly one decision, never an approval and a rejection."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from domain.enums import EventType
from domain.models import Event, Registration
from resolvers.ids import from_global_id
from tests import ids
from tests.changes import Changes
from tests.support import GraphQLClient

APPLICATIONS = 6


@pytest.mark.postgres
async def test_an_approval_and_a_rejection_racing_leave_one_decision(server, second_server, server_gql, db):
    life = await Changes(server_gql).setup()
    _, units = await life.permit_with_units(units=APPLICATIONS)
    reviews = []
    for unit in units:
        _, registration = await life.filed_contract(unit["id"], buyer_tokens={ids.ZHANG_SAN: life.actors.zhang})
        review = (await life.submit(registration["id"], life.actors.zhang, accept=False))["registration"]
        assert review["status"] == "IN_REVIEW"
        reviews.append(review)

    async with httpx.AsyncClient(base_url=second_server.url, timeout=30) as http:
        other = Changes(GraphQLClient(http), life.actors)
        payloads = await asyncio.gather(
            *(
                call
                for review in reviews
                for call in (
                    life.decide(review["id"], True, "核实后批准"),
                    other.decide(review["id"], False, "核实后驳回"),
                )
            )
        )

    for n, review in enumerate(reviews):
        approval, rejection = payloads[2 * n], payloads[2 * n + 1]
        won = [p for p in (approval, rejection) if p["userErrors"] == []]
        lost = [p for p in (approval, rejection) if p["userErrors"] != []]
        assert len(won) == 1 and [e["code"] for e in lost[0]["userErrors"]] == ["INVALID_STATE"]
        stored = await Registration.get(id=from_global_id(review["id"])[1])
        assert stored.status.value == won[0]["registration"]["status"]
        assert stored.decision_reason == won[0]["registration"]["decision"]["reason"]
        decisions = await Event.filter(
            registration_id=stored.id, type__in=(EventType.REGISTRATION_COMPLETED, EventType.REGISTRATION_REJECTED)
        ).count()
        assert decisions == 1
        if stored.status.value == "COMPLETED":
            assert stored.number is not None and stored.right_status.value == "IN_FORCE"
        else:
            assert stored.number is None and stored.right_status.value == "PENDING"
