"""The doorbell between API processes: after a commit a process rings, every process reads the log.

Redis (or memory://) only carries "something was committed"; the log is the truth, so a lost
ring costs at most one poll interval. broadcaster does not notice a dead Redis connection (its
listener task dies silently) nor reconnect, so this wrapper checks the line itself: when no
ring arrives for a while it publishes one of its own and expects to hear it back; any failure
closes the connection and dials again, with backoff, while the poll keeps events flowing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from broadcaster import Broadcast

from subscriptions.redis_backend import RedisPubSubBackend

log = logging.getLogger("onewindow.doorbell")
CHANNEL = "onewindow.events"


class Doorbell:
    def __init__(
        self, url: str, on_ring: Callable[[], None], check_seconds: float = 2.0, ring_timeout: float = 1.0
    ) -> None:
        self.url = url
        self.on_ring = on_ring
        self.check_seconds = check_seconds
        self.ring_timeout = ring_timeout
        self.connected = False
        self._broadcast: Broadcast | None = None

    async def ring(self) -> None:
        """Tell every process to read the log; never fails the caller (the poll is the fallback)."""
        broadcast = self._broadcast
        if broadcast is None or not self.connected:
            return
        try:
            await asyncio.wait_for(broadcast.publish(CHANNEL, "committed"), self.ring_timeout)
        except Exception as error:  # a dead line is found and redialled by run()
            log.warning("doorbell ring failed: %s", error)

    async def run(self) -> None:
        backoff = 0.2
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if self.connected:
                    log.warning("doorbell %s lost: %s; polling the log until it is back", self.url, error)
            if self.connected:  # it was up until now: dial again soon
                backoff = 0.2
            self.connected = False
            self.on_ring()  # whatever was missed meanwhile is read now
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _listen(self) -> None:
        broadcast = _broadcast(self.url)
        await asyncio.wait_for(broadcast.connect(), self.check_seconds)
        try:
            async with broadcast.subscribe(CHANNEL) as subscriber:
                self._broadcast = broadcast
                await self._check(broadcast, subscriber)
                if not self.connected:
                    log.info("doorbell %s connected", self.url)
                self.connected = True
                while True:
                    try:
                        await asyncio.wait_for(subscriber.get(), self.check_seconds)
                    except TimeoutError:
                        await self._check(broadcast, subscriber)
                    self.on_ring()
        finally:
            self._broadcast = None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(broadcast.disconnect(), 1.0)

    async def _check(self, broadcast: Broadcast, subscriber) -> None:
        """Publish a ring and hear it back, or raise: the line is alive only if both work.

        Rings again a few times: just after subscribing, Redis may take the first publish
        before it has taken the subscription."""
        deadline = asyncio.get_running_loop().time() + self.check_seconds
        while True:
            await asyncio.wait_for(broadcast.publish(CHANNEL, "check"), self.ring_timeout)
            try:
                await asyncio.wait_for(subscriber.get(), 0.25)
                return
            except TimeoutError:
                if asyncio.get_running_loop().time() > deadline:
                    raise


def _broadcast(url: str) -> Broadcast:
    if url.startswith(("redis://", "rediss://")):
        return Broadcast(backend=RedisPubSubBackend(url))
    return Broadcast(url)
