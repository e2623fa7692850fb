"""A subscriber as a bank's or the tax bureau's system would run it: the gql client over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

EVENT_FIELDS = "cursor type payload contract { number } registration { kind }"


@dataclass
class Subscription:
    url: str
    bearer: str
    query: str
    variables: dict = field(default_factory=dict)
    received: list[dict] = field(default_factory=list)
    error: Exception | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None

    async def __aenter__(self) -> Subscription:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.started.wait(), 10)
        await asyncio.sleep(0.3)  # the server registers the subscriber as the operation starts
        return self

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        transport = WebsocketsTransport(
            url=self.url.replace("http", "ws") + "/graphql",
            init_payload={"Authorization": f"Bearer {self.bearer}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        try:
            async with Client(transport=transport) as session:
                self.started.set()
                request = gql(self.query)
                request.variable_values = self.variables
                async for result in session.subscribe(request):
                    self.received.append(next(iter(result.values())))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # kept for the test to look at
            self.error = error
            self.started.set()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.received) < count:
            if self.error is not None:
                raise self.error
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"received {len(self.received)} of {count} events: {self.received}")
            await asyncio.sleep(0.02)
        return self.received
