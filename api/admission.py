"""At most N GraphQL requests run at once in a worker (ONEWINDOW_MAX_CONCURRENT_REQUESTS), one
subject at most half of them; bodies are bounded before they are read.

A worker is one event loop, on cores PostgreSQL needs as well. Let every request in at once
and each turn of the loop waits behind all of them; a transaction holding a county-wide
counter (the gapless contract and certificate numbers, DESIGN §3) then holds it through
those turns too, and every filing and approval in the county queues behind it. Admitting a
few at a time keeps the turns short, so the counters are held briefly, more sales complete
per second and the slowest wait less (bench/README.md). The wait for admission counts in
the request's Server-Timing.

Fairness (DESIGN §8): a subject is the token's `sub`; requests without a valid token share one
subject per client address. A subject holds at most half the slots; its further requests wait
while others' are let in, so one user's slow requests cannot starve another's. A freed slot
goes to the waiting subject running the fewest, then to the one waiting longest.

Size: a request is identified (its token verified; verified tokens are cached) before its
body is read, so the body limit is known: ONEWINDOW_MAX_BODY_BYTES signed in,
ONEWINDOW_MAX_ANONYMOUS_BODY_BYTES without a valid token. A declared length over it is
refused at once, a streamed body as soon as it passes it: HTTP 413, REQUEST_TOO_LARGE.

Refusals cost (DESIGN §8): a request refused by a limit (QUERY_TOO_COMPLEX, REQUEST_TOO_LARGE)
still took parsing or reading, on the loop every other request needs, and a client sending them
in a loop would keep the loop busy at no cost to itself. So each subject has a refusal budget
(`RefusalBudget`: ONEWINDOW_REFUSAL_BURST at once, then ONEWINDOW_REFUSALS_PER_SECOND): a
subject over it waits, asleep, before its next request is looked at, for as long as it is over
(at most the request deadline). An ordinary user is never refused in bursts and never waits.

Only POST and GET on /graphql are limited: subscriptions over WebSocket are long-lived and
mostly idle, and the health checks must answer while the worker is busy. A request's body is
read before it waits for a slot, so a client sending slowly holds none.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import logs
from api.metrics import ADMISSION_WAITING

REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"  # resolvers/limits.py TOO_COMPLEX (api may not import it back)
REFUSALS = frozenset({REQUEST_TOO_LARGE, QUERY_TOO_COMPLEX})


@dataclass(frozen=True)
class Identity:
    subject: str
    signed_in: bool


def anonymous(scope: Scope) -> Identity:
    client = scope.get("client")
    return Identity(f"anonymous:{client[0] if client else '-'}", False)


class FairSlots:
    """`limit` slots; one subject holds at most `per_subject` of them."""

    def __init__(self, limit: int, share: float = 0.5) -> None:
        self.limit = limit
        self.per_subject = max(1, int(limit * share))
        self.running: Counter[str] = Counter()
        self.total = 0
        self.waiting: dict[str, deque[tuple[int, asyncio.Future]]] = {}
        self.arrivals = 0

    async def acquire(self, subject: str) -> None:
        if self.total < self.limit and self.running[subject] < self.per_subject:
            self._grant(subject)
            return
        self.arrivals += 1
        future = asyncio.get_running_loop().create_future()
        entry = (self.arrivals, future)
        self.waiting.setdefault(subject, deque()).append(entry)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # granted as it was cancelled
                self.release(subject)
            else:
                queue = self.waiting.get(subject)
                if queue is not None and entry in queue:
                    queue.remove(entry)
                    if not queue:
                        del self.waiting[subject]
            raise

    def release(self, subject: str) -> None:
        self.running[subject] -= 1
        if self.running[subject] <= 0:
            del self.running[subject]
        self.total -= 1
        self._wake()

    def _grant(self, subject: str) -> None:
        self.running[subject] += 1
        self.total += 1

    def _wake(self) -> None:
        while self.total < self.limit:
            eligible = [
                (self.running[s], q[0][0], s) for s, q in self.waiting.items() if self.running[s] < self.per_subject
            ]
            if not eligible:
                return
            _, _, subject = min(eligible)
            queue = self.waiting[subject]
            _, future = queue.popleft()
            if not queue:
                del self.waiting[subject]
            self._grant(subject)
            future.set_result(None)


class RefusalBudget:
    """Per subject, `burst` refusals at once and then `rate` a second (a generic cell rate
    algorithm: one instant per subject, the time its debt is paid off); `wait` says how long a
    subject in debt sleeps before its next request, at most `max_wait`."""

    def __init__(self, rate: float, burst: int, max_wait: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.tolerance = burst * self.interval
        self.max_wait = max_wait
        self.clock = clock
        self.paid_off_at: dict[str, float] = {}

    def wait(self, subject: str) -> float:
        paid_off_at = self.paid_off_at.get(subject)
        if paid_off_at is None:
            return 0.0
        now = self.clock()
        if paid_off_at <= now:
            del self.paid_off_at[subject]
            return 0.0
        return min(max(0.0, paid_off_at - self.tolerance - now), self.max_wait)

    def refused(self, subject: str) -> None:
        now = self.clock()
        if len(self.paid_off_at) >= 10_000:  # subjects that paid off their debt are forgotten
            self.paid_off_at = {s: t for s, t in self.paid_off_at.items() if t > now}
        debt = max(self.paid_off_at.get(subject, now), now) + self.interval
        # Bounded: a subject never owes more than the burst and the longest wait.
        self.paid_off_at[subject] = min(debt, now + self.tolerance + self.max_wait)


class BodyTooLarge(Exception):
    pass


class AdmissionLimit:
    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        path: str = "/graphql",
        identify: Callable[[Scope], Identity] = anonymous,
        max_body_bytes: int = 0,
        max_anonymous_body_bytes: int = 0,
        refusals: RefusalBudget | None = None,
    ) -> None:
        self.app = app
        self.path = path
        self.identify = identify
        self.max_body_bytes = max_body_bytes
        self.max_anonymous_body_bytes = max_anonymous_body_bytes
        self.slots = FairSlots(limit) if limit > 0 else None
        self.refusals = refusals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        identity = self.identify(scope)
        if self.refusals is not None and (wait := self.refusals.wait(identity.subject)):
            await asyncio.sleep(wait)
        limit = self.max_body_bytes if identity.signed_in else self.max_anonymous_body_bytes
        if limit and _declared_length(scope) > limit:
            await self._too_large(send, limit, identity)
            return
        try:
            receive = await _body_read_first(receive, limit)
        except BodyTooLarge:
            await self._too_large(send, limit, identity)
            return
        try:
            if self.slots is None:
                await self.app(scope, receive, send)
                return
            ADMISSION_WAITING.inc()
            try:
                await self.slots.acquire(identity.subject)
            finally:
                ADMISSION_WAITING.dec()
            try:
                await self.app(scope, receive, send)
            finally:
                self.slots.release(identity.subject)
        finally:
            note = logs.current_note()
            if self.refusals is not None and note is not None and REFUSALS.intersection(note.codes):
                self.refusals.refused(identity.subject)

    async def _too_large(self, send: Send, limit: int, identity: Identity) -> None:
        if self.refusals is not None:
            self.refusals.refused(identity.subject)
        await _too_large(send, limit, identity.signed_in)


def _declared_length(scope: Scope) -> int:
    """Content-Length of a POST; for a GET, the query string carries the operation."""
    if scope.get("method") == "GET":
        return len(scope.get("query_string", b""))
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _too_large(send: Send, limit: int, signed_in: bool) -> None:
    why = "" if signed_in else " without a token (sign in to send more)"
    body = orjson.dumps(
        {
            "data": None,
            "errors": [
                {
                    "message": f"the request is larger than {limit} bytes{why}",
                    "extensions": {"code": REQUEST_TOO_LARGE, "limit": limit},
                }
            ],
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _body_read_first(receive: Receive, limit: int = 0) -> Receive:
    """Reads the whole request body now, at most `limit` bytes of it; returns a `receive` that
    hands it out again, then whatever comes after it (a disconnect)."""
    received: list[Message] = []
    size = 0
    while True:
        message = await receive()
        received.append(message)
        size += len(message.get("body", b""))
        if limit and size > limit:
            raise BodyTooLarge
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    pending = iter(received)

    async def replay() -> Message:
        return next(pending, None) or await receive()

    return replay
