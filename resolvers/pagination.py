"""Relay connections over Tortoise querysets, keyset-paged on an increasing key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from domain.errors import DomainError
from resolvers.ids import MAX_PK, MAX_SEQ, decode_cursor, encode_cursor

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise DomainError("INVALID_INPUT", "first must not be negative", ["first"])
    return min(first, MAX_PAGE_SIZE)


async def paginate(
    query: QuerySet,
    first: int | None,
    after: str | None,
    to_node: Callable[[Any], T | Awaitable[T]],
    key: str = "id",
) -> Connection[T]:
    """Rows of `query` ordered by `key`, `first` of them after the cursor `after`."""
    size = page_size(first)
    after_key = decode_cursor(after, MAX_SEQ if key == "seq" else MAX_PK)
    total = await query.count()
    page_query = query.filter(**{f"{key}__gt": after_key}) if after_key is not None else query
    rows = await page_query.order_by(key).limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    has_previous = after_key is not None and await query.filter(**{f"{key}__lte": after_key}).exists()
    edges = []
    for row in rows:
        node = to_node(row)
        if hasattr(node, "__await__"):
            node = await node
        edges.append(Edge(node=node, cursor=encode_cursor(getattr(row, key))))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
