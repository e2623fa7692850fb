"""Delivery with several API processes, one PostgreSQL and one Redis, and with Redis going away."""

from __future__ import annotations

import shutil
import subprocess
import time

import httpx
import pytest

from tests import ids
from tests.story import Sale
from tests.support import GraphQLClient, ServerProcess, free_port, server_env, wait_for
from tests.ws import EVENT_FIELDS, Subscription

EVENTS = "subscription($types: [EventType!]) { events(types: $types) { %s } }" % EVENT_FIELDS
REGISTER = 'mutation { registerOrganization(input: {name: "机构%d", idNumber: "%s"}) { userErrors { code } } }'


def _code(n: int) -> str:
    return ids.credit_code(f"91411528MC{n:07d}")


async def _register(client: GraphQLClient, bearer: str, numbers: range) -> None:
    for n in numbers:
        assert (await client.data(REGISTER % (n, _code(n)), bearer=bearer))["registerOrganization"]["userErrors"] == []


@pytest.mark.postgres
async def test_a_subscriber_on_one_process_receives_in_order_what_another_commits(settings, tmp_path, db):
    # A long poll: events that arrive fast came through the Redis doorbell.
    env = server_env(settings, ONEWINDOW_LOG_POLL_SECONDS="30")
    a = ServerProcess({**env, "ONEWINDOW_TEST_LOG": str(tmp_path / "a.log")}).start()
    b = ServerProcess({**env, "ONEWINDOW_TEST_LOG": str(tmp_path / "b.log")}).start()
    try:
        async with httpx.AsyncClient(base_url=b.url) as http:
            client = GraphQLClient(http)
            registrar = Sale(client).actors.registrar
            await wait_for(lambda: _broadcast_connected(a.url), timeout=15)
            async with Subscription(a.url, registrar, EVENTS, {"types": ["ORGANIZATION_REGISTERED"]}) as subscriber:
                started = time.monotonic()
                await _register(client, registrar, range(12))
                received = await subscriber.wait_for(12, timeout=10)
                elapsed = time.monotonic() - started
        assert [e["payload"]["idNumber"] for e in received] == [_code(n) for n in range(12)]
        cursors = [int(e["cursor"]) for e in received]
        assert cursors == sorted(cursors) and len(set(cursors)) == 12
        assert elapsed < 10, "delivery waited for the 30 s poll: the doorbell did not ring"
    finally:
        a.stop()
        b.stop()


async def _broadcast_connected(url: str) -> bool:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{url}/readyz")).json().get("broadcast") == "connected"


async def _broadcast_polling(url: str) -> bool:
    return not await _broadcast_connected(url)


class RedisServer:
    """A Redis of the test's own, on a free port, that the test stops and starts."""

    def __init__(self, tmp_path) -> None:
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True).stdout.strip()
            != "PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("redis did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
async def test_while_redis_is_down_mutations_succeed_and_events_arrive_then_it_reconnects(settings, tmp_path, db):
    redis = RedisServer(tmp_path).start()
    env = server_env(
        settings,
        ONEWINDOW_BROADCAST_URL=f"redis://127.0.0.1:{redis.port}/0",
        ONEWINDOW_LOG_POLL_SECONDS="3",
        ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"),
    )
    server = ServerProcess(env).start()
    try:
        await wait_for(lambda: _broadcast_connected(server.url), timeout=15)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            client = GraphQLClient(http)
            registrar = Sale(client).actors.registrar
            async with Subscription(
                server.url, registrar, EVENTS, {"types": ["ORGANIZATION_REGISTERED"]}
            ) as subscriber:
                await _register(client, registrar, range(0, 3))
                await subscriber.wait_for(3)

                redis.stop()
                started = time.monotonic()
                await _register(client, registrar, range(3, 8))  # mutations do not wait for Redis
                assert time.monotonic() - started < 5
                await subscriber.wait_for(8, timeout=15)  # the poll delivers meanwhile
                await wait_for(lambda: _broadcast_polling(server.url), timeout=15)

                redis.start()
                await wait_for(lambda: _broadcast_connected(server.url), timeout=20)
                started = time.monotonic()
                await _register(client, registrar, range(8, 9))
                await subscriber.wait_for(9, timeout=10)
                assert time.monotonic() - started < 2.5, "after reconnecting, delivery should not wait for the 3 s poll"
        assert [e["payload"]["idNumber"] for e in subscriber.received] == [_code(n) for n in range(9)]
    finally:
        server.stop()
        redis.stop()
