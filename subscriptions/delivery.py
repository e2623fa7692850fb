"""One process's delivery: its hub, and the doorbell that wakes the hubs of every process."""

from __future__ import annotations

import asyncio
import contextlib

from subscriptions.doorbell import Doorbell
from subscriptions.hub import EventHub


class Delivery:
    def __init__(self, broadcast_url: str, poll_seconds: float = 1.0, capacity: int = 1000) -> None:
        self.hub = EventHub(poll_seconds, capacity)
        self.doorbell = Doorbell(broadcast_url, self.hub.wake)
        self._tasks: set[asyncio.Task] = set()
        self._doorbell_task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.hub.start()
        self._doorbell_task = asyncio.create_task(self.doorbell.run())

    async def stop(self) -> None:
        if self._doorbell_task:
            self._doorbell_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._doorbell_task
        for task in list(self._tasks):
            task.cancel()
        await self.hub.stop()

    def committed(self) -> None:
        """Called after a transaction that appended events has committed."""
        self.hub.wake()
        task = asyncio.create_task(self.doorbell.ring())  # the response does not wait for Redis
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
