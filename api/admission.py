"""At most N GraphQL requests run at once in a worker; the others wait their turn, in order of
arrival (ONEWINDOW_MAX_CONCURRENT_REQUESTS).

A worker is one event loop, on cores PostgreSQL needs as well. Let every request in at once
and each turn of the loop waits behind all of them; a transaction holding a county-wide
counter (the gapless contract and certificate numbers, DESIGN §3) then holds it through
those turns too, and every filing and approval in the county queues behind it. Admitting a
few at a time keeps the turns short, so the counters are held briefly, more sales complete
per second and the slowest wait less (bench/README.md). The wait for admission counts in
the request's Server-Timing.

Only POST and GET on /graphql are limited: subscriptions over WebSocket are long-lived and
mostly idle, and the health checks must answer while the worker is busy. A request's body is
read before it waits for a slot, so a client sending slowly holds none.
"""
from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import ADMISSION_WAITING


class AdmissionLimit:
    def __init__(self, app: ASGIApp, limit: int, path: str = "/graphql") -> None:
        self.app = app
        self.path = path
        # asyncio.Semaphore wakes its waiters in the order they came.
        self.slots = asyncio.Semaphore(limit) if limit > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.slots is None or scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        receive = await _body_read_first(receive)
        ADMISSION_WAITING.inc()
        try:
            await self.slots.acquire()
        finally:
            ADMISSION_WAITING.dec()
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()


async def _body_read_first(receive: Receive) -> Receive:
    """Reads the whole request body now; returns a `receive` that hands it out again, then
    whatever comes after it (a disconnect)."""
    received: list[Message] = []
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    pending = iter(received)

    async def replay() -> Message:
        return next(pending, None) or await receive()

    return replay
