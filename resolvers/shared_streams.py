"""Shared subscription streams: one execution per event for every subscriber asking the same.

Thousands of bank and tax systems typically run the very same subscription with the same
visibility (every department sees everything; each bank sees its own). Executing the selection
once per event for all of them, instead of once per subscriber, is what lets one process serve
thousands. A live subscription (no `after`: a replay is each subscriber's own) joins the group of
those with the same document, variables and visibility; the group's stream runs once, and
each member has its own bounded buffer of results, so one slow member falls behind alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLSyntaxError
from strawberry.types.execution import ExecutionResult

from domain.viewer import Viewer
from resolvers.ids import encode_cursor

SHARED_FIELDS = frozenset({"contractFiled", "registrationCompleted", "events"})


def shared_key(query: str, variables: dict | None, operation_name: str | None, viewer: Viewer | None) -> tuple | None:
    """The group a live subscription may share, or None when it runs on its own."""
    if viewer is None:
        return None
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or chosen[0].operation != OperationType.SUBSCRIPTION:
        return None
    for selection in chosen[0].selection_set.selections:
        name = getattr(getattr(selection, "name", None), "value", None)
        arguments = {a.name.value for a in getattr(selection, "arguments", None) or ()}
        if name not in SHARED_FIELDS or "after" in arguments:
            return None
    sight = ("ALL",) if viewer.sees_everything else (viewer.role.value, viewer.party_id_number)
    return query, json.dumps(variables or {}, sort_keys=True), operation_name, sight


@dataclass(eq=False)
class Member:
    capacity: int
    results: deque = field(default_factory=deque)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    last_seq: int | None = None
    overflowed: bool = False
    ended: bool = False

    def offer(self, item: tuple[Any, int | None, str | None]) -> None:
        if self.overflowed:
            return
        if len(self.results) >= self.capacity:
            self.overflowed = True
        else:
            self.results.append(item)
        self.ready.set()

    def end(self) -> None:
        self.ended = True
        self.ready.set()

    async def __aiter__(self) -> AsyncIterator[Any]:
        while True:
            while self.results:
                result, seq, encoded = self.results.popleft()
                if seq is not None:
                    self.last_seq = seq
                yield result, encoded
            if self.overflowed:
                raise GraphQLError(
                    "the subscriber fell behind; subscribe again with `after` set to lastCursor",
                    extensions={
                        "code": "SUBSCRIBER_TOO_SLOW",
                        "lastCursor": encode_cursor(self.last_seq) if self.last_seq is not None else None,
                    },
                )
            if self.ended:
                return
            self.ready.clear()
            await self.ready.wait()


def encoded_payload(result: Any) -> str | None:
    """The `next` payload as JSON, encoded once for every member (None for a pre-execution error)."""
    if not isinstance(result, ExecutionResult):
        return None
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return json.dumps(payload)


async def _once(result: Any) -> AsyncIterator[Any]:
    yield result


@dataclass(eq=False)
class Group:
    members: set[Member] = field(default_factory=set)
    task: asyncio.Task | None = None


class SharedStreams:
    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self.groups: dict[tuple, Group] = {}

    @contextlib.asynccontextmanager
    async def join(
        self, key: tuple, open_stream: Callable[[], Any], last_seq: Callable[[], int | None]
    ) -> AsyncIterator[Member]:
        """A member of the group `key`; the first member's arrival starts the group's stream."""
        member = Member(self.capacity)
        group = self.groups.get(key)
        if group is None or group.task is None or group.task.done():
            group = self.groups[key] = Group()
            group.members.add(member)
            group.task = asyncio.create_task(self._run(key, group, open_stream, last_seq))
        else:
            group.members.add(member)
        try:
            yield member
        finally:
            group.members.discard(member)
            if not group.members and group.task is not None:
                group.task.cancel()
                if self.groups.get(key) is group:
                    del self.groups[key]

    async def _run(
        self, key: tuple, group: Group, open_stream: Callable[[], Any], last_seq: Callable[[], int | None]
    ) -> None:
        try:
            source = await open_stream()
            if not hasattr(source, "__aiter__"):  # an error before the stream began
                source = _once(source)
            async with contextlib.aclosing(source):
                async for result in source:
                    item = (result, last_seq(), encoded_payload(result))
                    for member in list(group.members):
                        member.offer(item)
        except GraphQLError as error:  # the stream itself failed: every member is told
            for member in list(group.members):
                member.offer((ExecutionResult(data=None, errors=[error]), None, None))
        finally:
            for member in list(group.members):
                member.end()
            if self.groups.get(key) is group:
                del self.groups[key]
