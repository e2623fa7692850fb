"""Benchmark: the read path, `{ property(unitCode) { status } }`, on three servers at once.

One uvicorn worker each, on the same PostgreSQL row:

- OneWindow, asked with a REGISTRAR token (auth, visibility and admission included);
- a minimal strawberry + Tortoise app serving the same query (bench/read_path_apps.py);
- plain Starlette + asyncpg running the one SELECT (the stack's limit).

They are measured in turns (A, B, C, A, B, C, …) with the same client and concurrency, and
the best turn of each is kept (the machine is shared: the best is the least disturbed).
Prints requests/s of each and the ratios OneWindow ÷ minimal and OneWindow ÷ plain.

    .venv/bin/python -m bench.read_path --seconds 10 --rounds 3 --clients 16
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import httpx
import orjson

from bench.common import ROOT, fresh_database, run, served
from bench.sale_pipeline import BANK, DEVELOPER, bearer, call
from domain.enums import Role

QUERY = "query($u: String!) { property(unitCode: $u) { status } }"
UNIT = "411528001001GB00001F00000001"


@contextmanager
def reference_server(app: str, database_url: str, port: int) -> Iterator[str]:
    env = {**os.environ, "ONEWINDOW_DATABASE_URL": database_url}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        f"bench.read_path_apps:{app}",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.post(url, json={"query": QUERY, "variables": {"u": UNIT, "unitCode": UNIT}}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(30)


async def prepare(url: str) -> None:
    """One home of one permit: the row every server reads."""
    from bench.common import GraphQLClient

    async with GraphQLClient(url) as http:
        registrar = bearer(Role.REGISTRAR)
        for code, name in ((DEVELOPER, "息县新园置业有限公司"), (BANK, "息县农村商业银行")):
            await call(
                http,
                "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { "
                "userErrors { code message } } }",
                {"i": {"name": name, "idNumber": code}},
                registrar,
            )
        home = {
            "unitCode": UNIT,
            "address": "新园路1号",
            "building": "1",
            "floor": 1,
            "room": "0101",
            "buildingArea": "89.50",
            "usage": "RESIDENTIAL",
        }
        await call(
            http,
            "mutation($i: IssuePresalePermitInput!) { issuePresalePermit(input: $i) { userErrors { code message } } }",
            {
                "i": {
                    "number": "BENCH-READ",
                    "developerIdNumber": DEVELOPER,
                    "projectName": "bench",
                    "saleType": "PRESALE",
                    "supervisedAccount": "1",
                    "supervisingBankIdNumber": BANK,
                    "properties": [home],
                }
            },
            bearer(Role.HOUSING),
        )


async def load(url: str, headers: dict[str, str], seconds: float, clients: int) -> float:
    """Requests per second that `clients` concurrent clients get answered in `seconds`."""
    body = orjson.dumps({"query": QUERY, "variables": {"u": UNIT, "unitCode": UNIT}})
    headers = {**headers, "Content-Type": "application/json"}
    done = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:

        async def client(until: float) -> None:
            nonlocal done
            while time.perf_counter() < until:
                async with session.post(url, data=body, headers=headers) as response:
                    answer = orjson.loads(await response.read())
                if answer.get("data", {}).get("property", {}).get("status") != "AVAILABLE":
                    raise RuntimeError(f"{url} answered {answer}")
                done += 1

        await asyncio.gather(*(client(time.perf_counter() + 1) for _ in range(clients)))  # warm-up
        done = 0
        started = time.perf_counter()
        await asyncio.gather(*(client(started + seconds) for _ in range(clients)))
        return done / (time.perf_counter() - started)


async def measure(servers: dict[str, tuple[str, dict[str, str]]], seconds: float, rounds: int, clients: int) -> None:
    best = dict.fromkeys(servers, 0.0)
    for turn in range(rounds):
        for name, (url, headers) in servers.items():
            rate = await load(url, headers, seconds, clients)
            best[name] = max(best[name], rate)
            print(f"round {turn + 1}: {name:<32} {rate:8.0f} requests/s")
    print()
    for name, rate in best.items():
        print(f"{name:<32} {rate:8.0f} requests/s (best of {rounds})")
    onewindow, minimal, plain = best.values()
    print(f"OneWindow / minimal strawberry + Tortoise: {onewindow / minimal:.2f}x")
    print(f"OneWindow / plain Starlette + asyncpg:      {onewindow / plain:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=8775, help="OneWindow's; the reference apps take the next two")
    args = parser.parse_args()
    database_url = run(fresh_database(args.postgres, "onewindow_bench_read"))
    with (
        tempfile.TemporaryDirectory() as workdir,
        served(database_url, args.port, 1, Path(workdir)) as onewindow,
        reference_server("minimal_app", database_url, args.port + 1) as minimal,
        reference_server("plain_app", database_url, args.port + 2) as plain,
    ):
        run(prepare(onewindow.url))
        print(
            f"one uvicorn worker each on {database_url}, {args.clients} concurrent clients, {args.seconds:.0f} s a turn"
        )
        servers = {
            "OneWindow (REGISTRAR token)": (f"{onewindow.url}/graphql", bearer(Role.REGISTRAR)),
            "minimal strawberry + Tortoise": (minimal, {}),
            "plain Starlette + asyncpg": (plain, {}),
        }
        run(measure(servers, args.seconds, args.rounds, args.clients))


if __name__ == "__main__":
    main()
