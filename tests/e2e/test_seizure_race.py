"""A seizure racing a transfer on PostgreSQL: the transfer completed before the seizure, or it is
blocked; never a transfer that ignored a seizure already in force. The last payment the transfer
waits for, its fee (登记费), races the seizure."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from domain.models import Event, Registration
from resolvers.ids import from_global_id, to_global_id
from tests.story import Life
from tests.support import GraphQLClient

HOMES = 12


@pytest.mark.postgres
async def test_seizure_and_last_payment_race_without_both_winning(server, second_server, server_gql, db):
    life = await Life(server_gql).setup()
    permit, units = await life.permit_with_units(units=HOMES)
    for unit in units:
        contract, _ = await life.pre_registered(unit["id"])
        await life.pay_all(contract["id"], fees=False)
    await life.accept_completion(permit["id"])
    await life.first_registration(permit["id"], fees=False)
    for first in await Registration.filter(kind="FIRST_OWNERSHIP").order_by("id"):
        paid = await life.pay_fee(to_global_id("Registration", first.id), str(first.fee))
        assert paid["userErrors"] == [], paid
    # Every transfer is applied for and waits for its fee only.
    unpaid = []
    for unit in units:
        transfer = await Registration.get(property_id=from_global_id(unit["id"])[1], kind="TRANSFER")
        assert transfer.status == "SUBMITTED"
        unpaid.append((unit, transfer))

    async with httpx.AsyncClient(base_url=second_server.url, timeout=30) as http:
        court = Life(GraphQLClient(http), life.actors)
        await asyncio.gather(
            *(
                coroutine
                for n, (unit, transfer) in enumerate(unpaid)
                for coroutine in (
                    life.pay_fee(to_global_id("Registration", transfer.id), str(transfer.fee), voucher=f"RACE-{n}"),
                    court.seize(unit["id"]),
                )
            )
        )

    outcomes = set()
    for unit, transfer in unpaid:
        property_id = from_global_id(unit["id"])[1]
        seizure = await Registration.get(property_id=property_id, kind="SEIZURE")
        seized_at = (await Event.get(registration_id=seizure.id, type="REGISTRATION_COMPLETED")).seq
        completed = await Event.get_or_none(registration_id=transfer.id, type="REGISTRATION_COMPLETED")
        if completed is None:
            assert (await Registration.get(id=transfer.id)).status == "SUBMITTED"
            outcomes.add("blocked")
            continue
        assert completed.seq < seized_at, "a transfer completed while the home was already seized"
        outcomes.add("transferred first")
    assert outcomes  # every home ended one way or the other, never both
