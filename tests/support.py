"""Helpers shared by the tests: databases, tokens, GraphQL calls, a real server process."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from api.auth import mint_token
from api.db import apply_migrations
from api.settings import Settings
from domain.enums import Role

ROOT = Path(__file__).resolve().parent.parent
TEST_JWT_SECRET = "test-secret-for-onewindow-tests-0123456789"
POSTGRES_URL = os.environ.get("ONEWINDOW_TEST_DATABASE_URL") or None
BROADCAST_URL = os.environ.get("ONEWINDOW_TEST_BROADCAST_URL") or "memory://"
APP_TABLES_KEPT = {"tortoise_migrations", "event_log_head"}


def on_postgres() -> bool:
    return POSTGRES_URL is not None


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


class IsolatedDatabases:
    """One migrated database per test run; each test gets it empty.

    SQLite: the migrated file is a template copied for each test. PostgreSQL: a database of
    the run's own on the configured server, truncated before each test.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.template: Path | None = None
        self.pg_url: str | None = None

    async def setup(self) -> None:
        if POSTGRES_URL:
            name = f"onewindow_test_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
            try:
                await admin.execute(f'CREATE DATABASE "{name}"')
            finally:
                await admin.close()
            self.pg_url = _with_database(POSTGRES_URL, name)
            await apply_migrations(self.pg_url)
        else:
            self.template = self.workdir / "template.sqlite3"
            await apply_migrations(f"sqlite://{self.template}")

    async def fresh(self, tmp_path: Path) -> str:
        if self.pg_url:
            conn = await asyncpg.connect(_asyncpg_dsn(self.pg_url))
            try:
                tables = [
                    r["tablename"]
                    for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    if r["tablename"] not in APP_TABLES_KEPT
                ]
                await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                await conn.execute(f"UPDATE event_log_head SET last_seq = 0, last_hash = '{'0' * 64}'")
            finally:
                await conn.close()
            return self.pg_url + "?maxsize=80"
        path = tmp_path / "onewindow.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite://{path}"

    async def teardown(self) -> None:
        if self.pg_url and POSTGRES_URL:
            name = self.pg_url.rpartition("/")[2]
            admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


def settings_for_tests(database_url: str, signing_key: Path) -> Settings:
    return Settings(
        database_url=database_url,
        broadcast_url=BROADCAST_URL,
        jwt_secret=TEST_JWT_SECRET,
        signing_key_path=str(signing_key),
    )


def token(role: Role | str, party: str | None = None, amr: list[str] | None = None, ttl: int = 600) -> str:
    settings = Settings(jwt_secret=TEST_JWT_SECRET)
    return mint_token(settings, Role(role), party, amr, ttl)


@dataclass
class GraphQLClient:
    """Posts GraphQL over a real HTTP client (in-process ASGI or a server process)."""

    http: httpx.AsyncClient

    async def execute(self, query: str, variables: dict | None = None, bearer: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict | None = None, bearer: str | None = None) -> dict:
        body = await self.execute(query, variables, bearer)
        assert not body.get("errors"), body["errors"]
        return body["data"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A real `uvicorn` process serving the app on 127.0.0.1."""

    def __init__(self, env: dict[str, str], port: int | None = None, workers: int = 1) -> None:
        self.port = port or free_port()
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path = Path(env.get("ONEWINDOW_TEST_LOG", os.devnull))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> ServerProcess:
        if self.workers > 1:  # `onewindow serve`: a listening socket per worker
            command = [sys.executable, "-m", "api.cli", "serve", "--workers", str(self.workers), "--no-access-log"]
        else:
            command = [sys.executable, "-m", "uvicorn", "api.app:app_from_env", "--factory"]
        with open(self.log_path, "ab") as log:  # the server writes to its own copy of the descriptor
            self.process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    env.update(
        ONEWINDOW_DATABASE_URL=settings.database_url,
        ONEWINDOW_BROADCAST_URL=settings.broadcast_url,
        ONEWINDOW_JWT_SECRET=settings.jwt_secret or "",
        ONEWINDOW_SIGNING_KEY=settings.signing_key_path or "",
    )
    env.update(extra)
    return env


async def wait_for(predicate, timeout: float = 5.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await predicate()
        if result:
            return result
        await asyncio.sleep(interval)
    raise AssertionError("condition not met in time")
