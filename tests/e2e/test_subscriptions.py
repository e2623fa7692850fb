"""Subscriptions against a real server: who gets what, resume without gap or duplicate, restarts."""

from __future__ import annotations

import asyncio

from tests import ids
from tests.story import Life
from tests.support import ServerProcess, server_env
from tests.ws import EVENT_FIELDS, Subscription

CONTRACT_FILED = "subscription($after: String) { contractFiled(after: $after) { %s } }" % EVENT_FIELDS
EVENTS = (
    "subscription($after: String, $types: [EventType!]) { events(after: $after, types: $types) { %s } }" % EVENT_FIELDS
)
COMPLETED = "subscription($kinds: [RegistrationKind!]) { registrationCompleted(kinds: $kinds) { %s } }" % EVENT_FIELDS


async def test_bank_a_never_receives_bank_b_events_and_the_tax_bureau_gets_all(server, server_gql):
    life = await Life(server_gql).setup()
    _, units = await life.permit_with_units(units=2)
    async with (
        Subscription(server.url, life.actors.bank, CONTRACT_FILED) as bank_a,
        Subscription(server.url, life.actors.other_bank, CONTRACT_FILED) as bank_b,
        Subscription(server.url, life.actors.tax, CONTRACT_FILED) as bureau,
    ):
        theirs, _ = await life.filed_contract(units[0]["id"], lender=ids.OTHER_BANK)
        mine, _ = await life.filed_contract(units[1]["id"], lender=ids.BANK)
        assert [e["contract"]["number"] for e in await bureau.wait_for(2)] == [theirs["number"], mine["number"]]
        [first] = await bank_a.wait_for(1)
        assert first["contract"]["number"] == mine["number"]  # B's contract, filed before, never came
        assert [e["contract"]["number"] for e in await bank_b.wait_for(1)] == [theirs["number"]]
        await asyncio.sleep(0.5)
        assert len(bank_a.received) == 1 and len(bank_b.received) == 1


async def test_a_buyer_hears_only_about_their_own_and_kinds_filter(server, server_gql):
    life = await Life(server_gql).setup()
    _, units = await life.permit_with_units(units=2)
    kinds = {"kinds": ["ADVANCE_NOTICE"]}
    async with (
        Subscription(server.url, life.actors.zhang, COMPLETED, kinds) as zhang,
        Subscription(server.url, life.actors.registrar, COMPLETED, {"kinds": ["SEIZURE"]}) as registrar,
    ):
        await life.pre_registered(units[0]["id"], buyer_tokens={ids.LI_SI: life.actors.li})
        await life.pre_registered(units[1]["id"])
        await life.seize(units[0]["id"])
        [mine] = await zhang.wait_for(1)
        assert mine["registration"]["kind"] == "ADVANCE_NOTICE" and mine["payload"]["unitCode"] == units[1]["unitCode"]
        assert [e["registration"]["kind"] for e in await registrar.wait_for(1)] == ["SEIZURE"]
        await asyncio.sleep(0.5)
        assert len(zhang.received) == 1


async def test_resume_after_a_cursor_has_no_gap_and_no_duplicate_while_events_are_committed(server, server_gql):
    life = await Life(server_gql).setup()
    log = await server_gql.data("{ events { edges { cursor } } }", bearer=life.actors.registrar)
    resume_from = log["events"]["edges"][1]["cursor"]  # after the second of the four registrations

    async def keep_committing(n: int) -> None:
        for i in range(n):
            code = ids.credit_code(f"91411528MB{i:07d}")
            await server_gql.data(
                'mutation { registerOrganization(input: {name: "机构%d", idNumber: "%s"}) { userErrors { code } } }'
                % (i, code),
                bearer=life.actors.registrar,
            )

    writer = asyncio.create_task(keep_committing(30))
    async with Subscription(server.url, life.actors.registrar, EVENTS, {"after": resume_from}) as subscriber:
        await writer
        received = await subscriber.wait_for(2 + 30)
    cursors = [int(e["cursor"]) for e in received]
    assert cursors == list(range(int(resume_from) + 1, int(resume_from) + 33))


async def test_after_a_server_restart_the_last_cursor_brings_everything_missed(settings, tmp_path, server_gql, server):
    life = await Life(server_gql).setup()
    other = ServerProcess(server_env(settings, ONEWINDOW_TEST_LOG=str(tmp_path / "restartable.log"))).start()
    try:
        async with Subscription(
            other.url, life.actors.tax, EVENTS, {"types": ["ORGANIZATION_REGISTERED", "PERMIT_ISSUED"]}
        ) as subscriber:
            await life.permit_with_units(units=1)
            [seen] = await subscriber.wait_for(1)
        other.stop()
        _, _units = await life.permit_with_units(units=1)  # committed while the process is down
        await life.permit_with_units(units=1)
        other = ServerProcess(other.env, other.port).start()
        async with Subscription(
            other.url, life.actors.tax, EVENTS, {"after": seen["cursor"], "types": ["PERMIT_ISSUED"]}
        ) as again:
            missed = await again.wait_for(2)
            await life.permit_with_units(units=1)  # and live again afterwards
            assert len(await again.wait_for(3)) == 3
        assert [e["type"] for e in again.received] == ["PERMIT_ISSUED"] * 3
        assert int(missed[0]["cursor"]) > int(seen["cursor"])
        assert len({e["cursor"] for e in again.received}) == 3
    finally:
        other.stop()


async def test_without_a_token_a_subscription_is_unauthenticated(server):
    async with Subscription(server.url, "not-a-token", EVENTS) as subscriber:
        pass
    assert subscriber.error is not None
