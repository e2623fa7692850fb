"""The two reference servers of `bench/read_path.py`, each answering `{ property(unitCode) { status } }`
from the same PostgreSQL row as OneWindow (ONEWINDOW_DATABASE_URL):

- `minimal_app`: strawberry + Tortoise written the typical way (one model, one resolver,
  strawberry's parser and validation caches on), no auth, no visibility, no admission;
- `plain_app`: Starlette + asyncpg running the one SELECT, no GraphQL at all: the stack's limit.

    uvicorn bench.read_path_apps:minimal_app --factory
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

import asyncpg
import orjson
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache
from tortoise import Tortoise, fields
from tortoise.models import Model


def _database_url() -> str:
    return os.environ["ONEWINDOW_DATABASE_URL"].split("?")[0]


class PropertyRow(Model):
    id = fields.IntField(primary_key=True)
    unit_code = fields.CharField(max_length=28, unique=True)
    status = fields.CharField(max_length=16)

    class Meta:
        table = "property"


@strawberry.type
class PropertyType:
    status: str


@strawberry.type
class Query:
    @strawberry.field
    async def property(self, unit_code: str) -> PropertyType | None:
        row = await PropertyRow.get_or_none(unit_code=unit_code)
        return PropertyType(status=row.status) if row else None


def minimal_app() -> Starlette:
    schema = strawberry.Schema(query=Query, extensions=[ParserCache(maxsize=100), ValidationCache(maxsize=100)])

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await Tortoise.init(db_url=_database_url(), modules={"models": [__name__]}, _enable_global_fallback=True)
        yield
        await Tortoise.close_connections()

    return Starlette(routes=[Route("/graphql", GraphQL(schema), methods=["POST"])], lifespan=lifespan)


_SELECT = "SELECT status FROM property WHERE unit_code = $1"


def plain_app() -> Starlette:
    pool: list[asyncpg.Pool] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool.append(await asyncpg.create_pool(_database_url().replace("postgres://", "postgresql://", 1), max_size=20))
        yield
        await pool[0].close()

    async def graphql(request: Request) -> Response:
        body = orjson.loads(await request.body())
        status = await pool[0].fetchval(_SELECT, body["variables"]["unitCode"])
        data = {"property": {"status": status} if status is not None else None}
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)
