"""A broadcaster backend for Redis pub/sub that reports a lost connection.

broadcaster 0.3's own Redis backend starts listening before its first SUBSCRIBE has been
taken; with redis-py 5 and later the listener then finds no subscription, stops, and never
hears a message (and a dead connection kills its task without a word). This one reads the
pub/sub connection itself, and a connection error surfaces from `next_published`, so the
doorbell sees it and dials again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis import asyncio as redis


class RedisPubSubBackend(BroadcastBackend):
    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=None)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        # redis-py returns at once from get_message before the first SUBSCRIBE: wait for one.
        self._subscribed = asyncio.Event()

    async def connect(self) -> None:
        await self._client.ping()

    async def disconnect(self) -> None:
        await self._pubsub.aclose()
        await self._client.aclose()

    async def subscribe(self, channel: str) -> None:
        await self._pubsub.subscribe(channel)
        self._subscribed.set()

    async def unsubscribe(self, channel: str) -> None:
        await self._pubsub.unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        await self._client.publish(channel, message)

    async def next_published(self) -> Event:
        await self._subscribed.wait()
        while True:
            message = await self._pubsub.get_message(timeout=None)
            if message is not None and message["type"] == "message":
                return Event(channel=message["channel"].decode(), message=message["data"].decode())
