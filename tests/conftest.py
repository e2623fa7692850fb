from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise

from api.app import create_app
from api.db import init_orm
from domain.certificates import generate_private_key_pem
from tests.support import GraphQLClient, IsolatedDatabases, ServerProcess, on_postgres, server_env, settings_for_tests


def pytest_collection_modifyitems(config, items):
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set ONEWINDOW_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory):
    databases = IsolatedDatabases(tmp_path_factory.mktemp("db"))
    asyncio.run(databases.setup())
    yield databases
    asyncio.run(databases.teardown())


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "signing-key.pem"
    path.write_bytes(generate_private_key_pem())
    return path


@pytest.fixture
async def database_url(test_databases, tmp_path) -> str:
    return await test_databases.fresh(tmp_path)


@pytest.fixture
def settings(database_url, signing_key):
    return settings_for_tests(database_url, signing_key)


@pytest.fixture
async def db(database_url):
    """The ORM, initialised on this test's empty database."""
    await init_orm(database_url)
    yield
    await Tortoise.close_connections()


@pytest.fixture
async def gql(db, settings):
    """GraphQL over HTTP to the app in this process (the ORM shared with the test)."""
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://onewindow.test") as http:
        yield GraphQLClient(http)


@pytest.fixture
def server(settings, tmp_path):
    """A real uvicorn process on this test's database."""
    process = ServerProcess(server_env(settings, ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"))).start()
    yield process
    process.stop()


@pytest.fixture
async def server_gql(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        yield GraphQLClient(http)
