"""A first registration of a large permit, its server killed midway (SIGKILL), applied again:
every chunk is whole or absent, and the second application finishes without doing anything twice."""

from __future__ import annotations

import asyncio
import os
import signal

import asyncpg
import httpx
import pytest

from bench.first_registration import DEVELOPER, load
from domain import eventlog
from domain.services.first_registration import CHUNK
from resolvers.ids import to_global_id
from tests.support import ServerProcess, server_env, token

UNITS, SOLD, MORTGAGED = 2000, 400, 100
APPLY = (
    "mutation($id: ID!) { applyFirstRegistration(input: {permitId: $id}) { registrations "
    "{ id } transfers { id } userErrors { code } } }"
)


async def _counts(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        # One snapshot: a chunk committing between two counts would look like half a chunk.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            rows = await conn.fetch("SELECT kind, count(*) FROM registration GROUP BY kind")
            counts = {r["kind"]: r["count"] for r in rows}
            counts["first_parties"] = await conn.fetchval(
                "SELECT count(*) FROM registration_party rp JOIN registration r ON r.id = "
                "rp.registration_id WHERE r.kind = 'FIRST_OWNERSHIP'"
            )
            counts["certificates"] = await conn.fetchval("SELECT count(*) FROM certificate")
        return counts
    finally:
        await conn.close()


async def _killed_server_backends_gone(dsn: str) -> None:
    """A killed client's backend finishes (commits or rolls back) its statement on its own time;
    idle sessions (this test's own pool) hold no work."""
    conn = await asyncpg.connect(dsn)
    try:
        for _ in range(600):
            others = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if others == 0:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the killed server's database sessions did not end")
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_a_killed_application_resumes_where_it_stopped(settings, tmp_path, db):
    database = settings.database_url.partition("?")[0]
    dsn = database.replace("postgres://", "postgresql://", 1)
    await load(database, UNITS, SOLD, MORTGAGED)
    # A whole permit in one request, on a loaded machine longer than the default deadline
    # (10 s): this test is about the kill, not the deadline.
    # A county charging no fees (登记费, a setting): the application completes what it can at
    # once, as before fees; what fees add is tests/mutations/test_record_fee_payment.py's.
    env = server_env(
        settings,
        ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"),
        ONEWINDOW_REQUEST_DEADLINE_SECONDS="120",
        ONEWINDOW_FEE_RESIDENTIAL="0.00",
        ONEWINDOW_FEE_NON_RESIDENTIAL="0.00",
    )
    permit = to_global_id("PresalePermit", 1)
    bearer = {"Authorization": f"Bearer {token('DEVELOPER', DEVELOPER, ['ca'])}"}

    first = ServerProcess(env).start()
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=120) as http:
            request = asyncio.create_task(
                http.post("/graphql", json={"query": APPLY, "variables": {"id": permit}}, headers=bearer)
            )
            while (await _counts(dsn)).get("FIRST_OWNERSHIP", 0) < UNITS // 4:
                await asyncio.sleep(0.01)
            os.kill(first.process.pid, signal.SIGKILL)
            with pytest.raises(httpx.HTTPError):
                await request
    finally:
        first.stop()

    await _killed_server_backends_gone(dsn)
    halfway = await _counts(dsn)
    done = halfway["FIRST_OWNERSHIP"]
    assert 0 < done < UNITS, "the kill should land midway"
    assert done % CHUNK == 0, "a chunk was left half done"
    assert halfway["first_parties"] == 2 * done

    second = ServerProcess(env).start()
    try:
        async with httpx.AsyncClient(base_url=second.url, timeout=120) as http:
            body = (
                await http.post("/graphql", json={"query": APPLY, "variables": {"id": permit}}, headers=bearer)
            ).json()
    finally:
        second.stop()
    payload = body["data"]["applyFirstRegistration"]
    assert payload["userErrors"] == []
    assert (len(payload["registrations"]), len(payload["transfers"])) == (UNITS, SOLD)
    final = await _counts(dsn)
    assert (final["FIRST_OWNERSHIP"], final["TRANSFER"], final["MORTGAGE"]) == (UNITS, SOLD, MORTGAGED)
    assert final["certificates"] == SOLD + MORTGAGED
    assert (await eventlog.verify_chain()).ok
