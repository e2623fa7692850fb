"""Benchmark: events fanned out to 1,000 / 5,000 / 10,000 WebSocket subscribers on one API process.

Each subscriber is a graphql-transport-ws connection subscribed to `events(types:
[ORGANIZATION_REGISTERED])` with the tax bureau's token. Events are committed at a steady rate;
for each event the script takes, at every subscriber, the delay from the event's commit time
(its `occurredAt`) to receipt, and the time until the last subscriber has it. It also reads
the server process's resident memory before and after the subscribers connect.

    .venv/bin/python -m bench.fanout --subscribers 1000 5000 10000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import websockets

from api.auth import mint_token
from api.settings import Settings
from bench.common import BENCH_SECRET, ROOT, describe, fresh_database, percentile, run, served
from domain.enums import Role
from tests.ids import credit_code

QUERY = "subscription { events(types: [ORGANIZATION_REGISTERED]) { cursor occurredAt } }"
REGISTER = 'mutation { registerOrganization(input: {name: "机构%d", idNumber: "%s"}) { userErrors { code } } }'


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Subscriber:
    def __init__(self) -> None:
        self.receipts: dict[str, float] = {}
        self.task: asyncio.Task | None = None

    async def run(self, url: str, token: str, ready: asyncio.Event, counter: list[int], total: int) -> None:
        async with websockets.connect(
            url, subprotocols=["graphql-transport-ws"], max_queue=None, open_timeout=60, ping_interval=None
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": QUERY}}))
            counter[0] += 1
            if counter[0] == total:
                ready.set()
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "next":
                    self.receipts[message["payload"]["data"]["events"]["occurredAt"]] = time.time()


async def subscribe_all(url: str, token: str, count: int) -> list[Subscriber]:
    """`count` subscribers connected and subscribed, in waves of 250."""
    ready, counter = asyncio.Event(), [0]
    clients = [Subscriber() for _ in range(count)]
    ws_url = url.replace("http", "ws") + "/graphql"
    for i in range(0, count, 250):
        for client in clients[i : i + 250]:
            client.task = asyncio.create_task(client.run(ws_url, token, ready, counter, count))
        await asyncio.sleep(0.05)
    await asyncio.wait_for(ready.wait(), 300)
    return clients


async def worker(url: str, count: int) -> None:
    """One client process: subscribes, says "ready", and at "done" on stdin prints its receipts."""
    token = mint_token(Settings(jwt_secret=BENCH_SECRET), Role.TAX, ttl_seconds=7200)
    clients = await subscribe_all(url, token, count)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    print(json.dumps([c.receipts for c in clients]), flush=True)
    os._exit(0)  # thousands of sockets need no orderly goodbye


async def measure(url: str, pid: int, subscribers: int, events: int, rate: float, processes: int, warmup: int) -> None:
    registrar = {
        "Authorization": f"Bearer {mint_token(Settings(jwt_secret=BENCH_SECRET), Role.REGISTRAR, ttl_seconds=7200)}"
    }
    before = rss_mib(pid)
    started = time.perf_counter()
    share = [subscribers // processes + (1 if i < subscribers % processes else 0) for i in range(processes)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.fanout", "--worker", str(n), "--url", url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in share
        if n
    ]
    for process in workers:
        assert (await asyncio.get_running_loop().run_in_executor(None, process.stdout.readline)).strip() == "ready"
    await asyncio.sleep(2)  # the last subscriptions register on the server
    connected_in = time.perf_counter() - started
    after = rss_mib(pid)
    base = int(time.time()) % 10_000_000
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for n in range(warmup + events):
            code = credit_code(f"914115{(base + n) % 10**11:011d}")
            await http.post("/graphql", json={"query": REGISTER % (n, code)}, headers=registrar)
            await asyncio.sleep(1 / rate)
    await asyncio.sleep(5)
    receipts = []
    for process in workers:
        output, _ = process.communicate("done\n", timeout=120)
        receipts += json.loads(output.strip().splitlines()[-1])
    latencies, spreads, missing = [], [], 0
    occurred = sorted({o for r in receipts for o in r})[warmup:]  # steady state: the first ones warm up
    for stamp in occurred:
        at = datetime.fromisoformat(stamp).timestamp()
        got = [r[stamp] for r in receipts if stamp in r]
        missing += subscribers - len(got)
        latencies += [(g - at) * 1000 for g in got]
        spreads.append((max(got) - at) * 1000)
    print(
        f"\n{subscribers:,} subscribers in {len(workers)} client processes (connected in {connected_in:.1f} s), "
        f"{len(occurred)} events at {rate}/s after {warmup} to warm up, {missing} deliveries missing"
    )
    print(describe("commit to receipt", latencies))
    print(
        f"{'until all had it':<28} p50={percentile(spreads, 50):7.1f} ms  max={max(spreads):7.1f} ms  "
        f"(each event: {', '.join(f'{s:.0f}' for s in spreads)} ms)"
    )
    print(
        f"server memory: {before:.0f} MiB before, {after:.0f} MiB with subscribers: "
        f"{(after - before) * 1024 / subscribers:.1f} KiB per subscriber"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--rate", type=float, default=2.0, help="events per second")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--processes", type=int, default=4, help="client processes the subscribers are spread over")
    parser.add_argument("--warmup", type=int, default=2, help="events sent first and left out of the figures")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run(worker(args.url, args.worker))
        return
    database_url = run(fresh_database(args.postgres, "onewindow_bench_fanout"))
    with tempfile.TemporaryDirectory() as workdir:
        for subscribers in args.subscribers:
            # One worker, so every subscriber is on the process whose memory is read.
            with served(
                database_url, args.port, 1, Path(workdir), ("--backlog", "8192", "--ws-ping-interval", "0")
            ) as server:
                run(measure(server.url, server.pid, subscribers, args.events, args.rate, args.processes, args.warmup))


if __name__ == "__main__":
    main()
