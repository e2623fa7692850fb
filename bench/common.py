"""Shared by the benchmarks: a fresh PostgreSQL database and real server processes."""

from __future__ import annotations

import atexit
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import httpx
import orjson
import uvloop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.db import apply_migrations  # noqa: E402
from api.keys import signing_algorithm  # noqa: E402
from domain.certificates import generate_private_key_pem  # noqa: E402

BENCH_SECRET = "onewindow-benchmark-secret-0123456789abcdef"


async def fresh_database(server_url: str, name: str, unique: bool = True) -> str:
    """A new database for this run. Its name carries the process id (dropped when the run
    ends): other sessions run the same benchmark on the same PostgreSQL, and a shared name let
    one run drop the database under another's feet."""
    if unique:
        name = f"{name}_{os.getpid()}"
        atexit.register(lambda: run(_drop_database(server_url, name)))
    await _drop_database(server_url, name)
    admin = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = f"{server_url.rpartition('/')[0]}/{name}"
    await apply_migrations(url)
    return url


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class Served:
    url: str
    pid: int


@contextmanager
def served(database_url: str, port: int, workers: int, workdir: Path, extra_args: tuple[str, ...] = ()):
    """uvicorn serving the app on PostgreSQL, as production runs it; yields its address and pid.

    Port 0 takes a free one. A port another server listens on is refused: the workers bind
    with SO_REUSEPORT, so a second session's server would silently share its requests."""
    if port == 0:
        port = free_port()
    elif port_in_use(port):
        raise RuntimeError(f"port {port} is in use (another session's benchmark?): pass --port 0 for a free one")
    key = workdir / "signing-key.pem"
    if not key.exists():
        key.write_bytes(generate_private_key_pem(signing_algorithm()))  # ONEWINDOW_SIGNING_ALGORITHM
    env = {
        **os.environ,
        "ONEWINDOW_DATABASE_URL": database_url + "?maxsize=20",
        "ONEWINDOW_JWT_SECRET": BENCH_SECRET,
        "ONEWINDOW_SIGNING_KEY": str(key),
        "ONEWINDOW_BROADCAST_URL": os.environ.get("ONEWINDOW_BROADCAST_URL", "memory://"),
        "ONEWINDOW_ACCESS_LOG": "false",
    }  # no request lines (api/logs.py), as --no-access-log says for uvicorn's
    if workers > 1:  # as `onewindow serve` runs them: a listening socket each (api/workers.py)
        assert not extra_args, "uvicorn options apply to a single worker"
        command = [str(Path(sys.executable).parent / "onewindow"), "serve", "--workers", str(workers)]
    else:
        command = [sys.executable, "-m", "uvicorn", "api.app:app_from_env", "--factory", *extra_args]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield Served(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        try:  # closing 10,000 WebSockets gracefully can take a while on a loaded machine
            process.wait(120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Answer:
    body: dict
    client_ms: float
    server_ms: float  # the server's own Server-Timing: request to response, no client queueing


class GraphQLClient:
    """The benchmarks' HTTP client. It shares the two cores with the server, so it has to be
    light: aiohttp costs about 0.2 ms of CPU per request where httpx cost about 1.8 ms, which
    the server's figures then paid for."""

    def __init__(self, url: str, connections: int = 32) -> None:
        self.url = url.removesuffix("/graphql") + "/graphql"
        self.connections = connections

    async def __aenter__(self) -> GraphQLClient:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.connections),
            timeout=aiohttp.ClientTimeout(total=60),
            json_serialize=lambda body: orjson.dumps(body).decode(),
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.session.close()

    async def post(self, query: str, variables: dict | None = None, headers: dict | None = None) -> Answer:
        started = time.perf_counter()
        async with self.session.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        ) as response:
            body = await response.json(loads=orjson.loads)
            timing = response.headers.get("server-timing", "dur=nan")
        return Answer(body, (time.perf_counter() - started) * 1000, float(timing.partition("dur=")[2]))


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def describe(name: str, samples_ms: list[float]) -> str:
    return (
        f"{name:<28} n={len(samples_ms):<6} p50={percentile(samples_ms, 50):7.1f} ms  "
        f"p99={percentile(samples_ms, 99):7.1f} ms  mean={statistics.fmean(samples_ms):7.1f} ms"
    )


def run(coro):
    """On uvloop, as the server runs: the client shares the cores, so it should cost little."""
    return uvloop.run(coro)
