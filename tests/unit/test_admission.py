"""AdmissionLimit: at most N GraphQL requests at once per worker, the rest in order of arrival."""

from __future__ import annotations

import asyncio

import pytest

from api.admission import AdmissionLimit, Identity
from api.settings import Settings, SettingsError


class HeldRequests:
    """An ASGI app whose requests stay in until released, recording who ran when."""

    def __init__(self) -> None:
        self.running: set[str] = set()
        self.most_at_once = 0
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        name = scope["name"]
        self.running.add(name)
        self.started.append(name)
        self.most_at_once = max(self.most_at_once, len(self.running))
        await self.release.wait()
        self.running.discard(name)


def http(name: str, path: str = "/graphql", kind: str = "http") -> dict:
    return {"type": kind, "path": path, "name": name}


async def empty_body() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_requests_beyond_the_limit_wait_and_are_let_in_by_arrival():
    app = HeldRequests()
    limited = AdmissionLimit(app, limit=6, identify=lambda scope: Identity(scope["name"], True))
    requests = [asyncio.create_task(limited(http(f"r{n}"), empty_body, None)) for n in range(8)]
    await settle()
    assert app.started == ["r0", "r1", "r2", "r3", "r4", "r5"]
    app.release.set()
    await asyncio.gather(*requests)
    assert app.most_at_once == 6
    assert app.started == [f"r{n}" for n in range(8)]


@pytest.mark.parametrize(
    "scope", [http("ws", kind="websocket"), http("health", path="/healthz"), http("ready", path="/readyz")]
)
async def test_subscriptions_and_health_checks_are_never_held_back(scope):
    app = HeldRequests()
    limited = AdmissionLimit(app, limit=1)
    busy = asyncio.create_task(limited(http("busy"), empty_body, None))
    other = asyncio.create_task(limited(scope, empty_body, None))
    await settle()
    assert app.started == ["busy", scope["name"]]
    app.release.set()
    await asyncio.gather(busy, other)


async def test_a_limit_of_zero_admits_everything():
    app = HeldRequests()
    limited = AdmissionLimit(app, limit=0)
    requests = [asyncio.create_task(limited(http(f"r{n}"), empty_body, None)) for n in range(20)]
    await settle()
    assert len(app.running) == 20
    app.release.set()
    await asyncio.gather(*requests)


async def test_a_cancelled_waiter_gives_up_its_place():
    app = HeldRequests()
    limited = AdmissionLimit(app, limit=1)
    first = asyncio.create_task(limited(http("first"), empty_body, None))
    gone = asyncio.create_task(limited(http("gone"), empty_body, None))
    last = asyncio.create_task(limited(http("last"), empty_body, None))
    await settle()
    gone.cancel()  # the client went away while waiting
    app.release.set()
    await asyncio.gather(first, last)
    assert app.started == ["first", "last"]


@pytest.mark.parametrize(("raw", "expected"), [("4", 4), ("0", 0), ("16", 16), ("", 4)])
def test_the_limit_comes_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("ONEWINDOW_MAX_CONCURRENT_REQUESTS", raw)
    assert Settings.from_env().max_concurrent_requests == expected


@pytest.mark.parametrize("raw", ["-1", "four", "2.5"])
def test_a_bad_limit_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ONEWINDOW_MAX_CONCURRENT_REQUESTS", raw)
    with pytest.raises(SettingsError, match="ONEWINDOW_MAX_CONCURRENT_REQUESTS"):
        Settings.from_env()


async def test_a_slowly_sent_body_holds_no_slot_and_reaches_the_app_whole():
    bodies: list[bytes] = []

    async def app(scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        bodies.append(body)

    limited = AdmissionLimit(app, limit=1)
    trickle: asyncio.Queue = asyncio.Queue()
    slow = asyncio.create_task(limited(http("slow"), trickle.get, None))
    await trickle.put({"type": "http.request", "body": b'{"query": ', "more_body": True})
    await settle()

    async def whole() -> dict:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    # The slow client is still sending: the next request goes ahead of it.
    await asyncio.wait_for(limited(http("quick"), whole, None), timeout=1)
    assert bodies == [b"{}"]
    await trickle.put({"type": "http.request", "body": b'"{ viewer { role } }"}', "more_body": False})
    await slow
    assert bodies == [b"{}", b'{"query": "{ viewer { role } }"}']
