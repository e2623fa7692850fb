"""Benchmark: what abusive requests cost the server, and what they cost everyone else (issue 11).

One server process on its own PostgreSQL database. First, each kind of request is sent N
times alone and the server's CPU time (utime + stime of its process) is divided by N: a
buyer's `{ viewer { role } }` (the yardstick), and four kinds of refused request:

- deep: properties → permit → properties, 12 levels (signed in; QUERY_TOO_COMPLEX)
- aliased: 1,000 or 40 aliases of `properties { edges { node { history { totalCount } } } }`
  (signed in; QUERY_TOO_COMPLEX: tokens, aliases)
- oversized: 2 MB declared, the first kilobyte sent (signed in; HTTP 413 on the declared length)
- anonymous: 98 KB without a token (HTTP 413 at 8 KB), and a small anonymous query of a
  protected field (UNAUTHENTICATED before validation)

Each request's text differs (its operation name carries a counter), so neither the parse nor
the validation cache answers for it; the yardstick is the viewer query as a front end sends it
(the same text each time), and the same with a distinct text each time is shown beside it.
Then two phases of the same length, probe clients measuring `/healthz` and the buyer's query:
without abuse, and with abusive clients (in a process of their own, so the probes' event loop
is not theirs) sending all four kinds in a loop. Prints p50/p99 of both, and the targets.

    .venv/bin/python -m bench.abuse --seconds 20 --abusers 8
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson

from api.auth import mint_token
from api.settings import Settings
from bench.common import BENCH_SECRET, fresh_database, percentile, run, served
from domain.enums import Role
from tests.ids import resident_id

BUYER = resident_id("411528", "19900101", "123")
TICK = os.sysconf("SC_CLK_TCK")
OVERSIZED = 2_000_000


def bearer(role: Role, party: str | None = None) -> dict:
    return {"Authorization": f"Bearer {mint_token(Settings(jwt_secret=BENCH_SECRET), role, party, ['face'], 3600)}"}


def server_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


class Requests:
    """The requests of the benchmark, each kind a function of a counter (distinct texts)."""

    def __init__(self) -> None:
        self.buyer = bearer(Role.BUYER, BUYER)
        self.signed_in = bearer(Role.DEVELOPER)

    def viewer(self, n: int) -> tuple[bytes, dict]:
        """As a front end sends it: the same text every time."""
        return self._body("query Viewer { viewer { role } }"), self.buyer

    def viewer_distinct(self, n: int) -> tuple[bytes, dict]:
        return self._body(f"query V{n} {{ viewer {{ role }} }}"), self.buyer

    def deep(self, n: int) -> tuple[bytes, dict]:
        levels = 12
        query = (
            f"query D{n} {{ " + "properties { edges { node { permit { " * levels + "number" + " } } } }" * levels + " }"
        )
        return self._body(query), self.signed_in

    def aliased(self, n: int) -> tuple[bytes, dict]:
        """Half as the issue found it (1,000 aliases of `properties { history }`, over the token
        limit), half within the token limit (40 aliases, refused by the alias limit)."""
        count = 1000 if n % 2 else 40
        fields = " ".join(
            f"a{i}: properties {{ edges {{ node {{ history {{ totalCount }} }} }} }}" for i in range(count)
        )
        return self._body(f"query A{n} {{ {fields} }}"), self.signed_in

    def oversized(self, n: int) -> tuple[bytes | None, dict]:
        """2 MB declared, as an attacker would: the refusal must not wait for the upload."""
        return None, {**self.signed_in, "Content-Length": str(OVERSIZED)}

    def anonymous(self, n: int) -> tuple[bytes, dict]:
        if n % 2:
            return self._body(f"query N{n} {{ permits {{ totalCount }} }}"), {}
        padding = "#" + "x" * 98_000 + "\n"
        return self._body(padding + f"query N{n} {{ permits {{ totalCount }} }}"), {}

    @staticmethod
    def _body(query: str, variables: dict | None = None) -> bytes:
        return orjson.dumps({"query": query, "variables": variables or {}})


ABUSE = ("deep", "aliased", "oversized", "anonymous")


async def send(session: aiohttp.ClientSession, url: str, body: bytes | None, headers: dict) -> int:
    if body is None:
        return await send_declared_only(url, headers)
    try:
        async with session.post(url, data=body, headers={**headers, "Content-Type": "application/json"}) as response:
            await response.read()
            return response.status
    except aiohttp.ClientError:  # a 413 closes the connection while a large body is still going out
        return 413


async def send_declared_only(url: str, headers: dict) -> int:
    """A body announced by its length, of which only the first kilobyte is sent."""
    address = url.removeprefix("http://").partition("/")[0]
    host, _, port = address.partition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(
            f"POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n{head}\r\n".encode()
            + b'{"query": "'
            + b" " * 1024
        )
        await writer.drain()
        status = await reader.readline()
        return int(status.split()[1])
    finally:
        writer.close()


async def cpu_per_request(url: str, pid: int, make, count: int, concurrency: int = 4) -> tuple[float, set[int]]:
    statuses: set[int] = set()
    async with aiohttp.ClientSession() as session:
        for n in range(20):  # warm: connections, caches of the server's own (not of the texts)
            await send(session, url, *make(-n - 1))
        before = server_cpu_seconds(pid)
        counter = iter(range(count))

        async def worker() -> None:
            for n in counter:
                statuses.add(await send(session, url, *make(n)))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        after = server_cpu_seconds(pid)
    return (after - before) / count * 1000, statuses


async def probes(base: str, requests: Requests, seconds: float) -> dict[str, list[float]]:
    """A /healthz and a viewer query every 20 ms, each from its own client, for `seconds`."""
    samples: dict[str, list[float]] = {
        "/healthz": [],
        "buyer { viewer { role } }": [],
        "  ... server side (Server-Timing)": [],
    }
    stop = time.monotonic() + seconds

    async def probe(name: str, call) -> None:
        async with aiohttp.ClientSession() as session:
            n = 0
            while time.monotonic() < stop:
                started = time.perf_counter()
                await call(session, n)
                samples[name].append((time.perf_counter() - started) * 1000)
                n += 1
                await asyncio.sleep(0.02)

    async def health(session, n):
        async with session.get(base + "/healthz") as response:
            await response.read()

    async def viewer(session, n):
        body, headers = requests.viewer(n)
        async with session.post(
            base + "/graphql", data=body, headers={**headers, "Content-Type": "application/json"}
        ) as response:
            await response.read()
            assert response.status == 200, response.status
            timing = response.headers.get("server-timing", "dur=nan")
        samples["  ... server side (Server-Timing)"].append(float(timing.partition("dur=")[2]))

    await asyncio.gather(probe("/healthz", health), probe("buyer { viewer { role } }", viewer))
    return samples


def abusers(url: str, count: int, stop, sent, pause: float = 0.0) -> None:
    """In a process of its own: `count` clients sending every kind of abuse in turn until `stop`."""
    requests = Requests()
    bodies = {kind: [getattr(requests, kind)(n) for n in range(50)] for kind in ABUSE}  # made once

    async def abuser(k: int) -> None:
        async with aiohttp.ClientSession() as session:
            n = 0
            while not stop.is_set():
                kind = ABUSE[(k + n) % len(ABUSE)]
                await send(session, url, *bodies[kind][(k * 7 + n) % 50])
                n += 1
                with sent.get_lock():
                    sent.value += 1
                if pause:
                    await asyncio.sleep(pause)

    async def all_of_them() -> None:
        await asyncio.gather(*(abuser(k) for k in range(count)))

    run(all_of_them())


async def costs(base: str, pid: int, count: int) -> None:
    url = base + "/graphql"
    requests = Requests()
    print(f"server CPU per request ({count} each, 4 at a time):")
    yardstick, _ = await cpu_per_request(url, pid, requests.viewer, count)
    print(f"  {'buyer { viewer { role } }':<28} {yardstick:6.3f} ms  (the yardstick: the same text each time)")
    distinct, _ = await cpu_per_request(url, pid, requests.viewer_distinct, count)
    print(f"  {'  ... a distinct text each':<28} {distinct:6.3f} ms")
    worst = 0.0
    for kind in ABUSE:
        cost, statuses = await cpu_per_request(url, pid, getattr(requests, kind), count)
        worst = max(worst, cost)
        print(
            f"  {kind + ' (refused)':<28} {cost:6.3f} ms  = {cost / yardstick:4.2f}× the viewer "
            f"query  (HTTP {sorted(statuses)})"
        )
    print(
        f"target: a refused request costs at most 3× the viewer query: "
        f"{'met' if worst <= 3 * yardstick else 'NOT met'} (worst {worst / yardstick:.2f}×)"
    )


async def probed(base: str, pid: int, seconds: float, abuser_count: int, pause: float = 0.0) -> None:
    url = base + "/graphql"
    requests = Requests()
    quiet = await probes(base, requests, seconds)
    spawn = multiprocessing.get_context("spawn")
    stop, sent = spawn.Event(), spawn.Value("q", 0)
    abuse = spawn.Process(target=abusers, args=(url, abuser_count, stop, sent, pause))
    abuse.start()
    await asyncio.sleep(3)  # started and sending
    before, sent_before = server_cpu_seconds(pid), sent.value
    loud = await probes(base, requests, seconds)
    busy = server_cpu_seconds(pid) - before
    sent = sent.value - sent_before
    stop.set()
    abuse.join(30)
    print(
        f"\nprobes, {seconds:.0f} s each phase; with abuse: {abuser_count} clients sent {sent:,} refused requests "
        f"({sent / seconds:,.0f}/s), server CPU {busy / seconds * 100:.0f} % of a core"
    )
    print(f"{'':28} {'without abuse p50 / p99':>26} {'with abuse p50 / p99':>26}")
    for name in quiet:
        q, a = quiet[name], loud[name]
        print(
            f"{name:<28} {percentile(q, 50):10.1f} / {percentile(q, 99):6.1f} ms {percentile(a, 50):14.1f} / "
            f"{percentile(a, 99):6.1f} ms   (n={len(q)}, {len(a)})"
        )
    for name in quiet:
        ratio = percentile(loud[name], 99) / percentile(quiet[name], 99)
        print(
            f"target: {name} p99 under abuse within 2× of without: {'met' if ratio <= 2 else 'NOT met'} ({ratio:.2f}×)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each probe phase")
    parser.add_argument("--count", type=int, default=400, help="requests of each kind for the CPU figures")
    parser.add_argument("--abusers", type=int, default=8, help="abusive clients, each sending all four kinds in turn")
    parser.add_argument(
        "--abuse-pause",
        type=float,
        default=0.0,
        help="seconds each abusive client waits between requests (0: none; to tell the server's share from the cores')",
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    args = parser.parse_args()
    database_url = run(fresh_database(args.postgres, "onewindow_bench_abuse"))
    # First without the refusal budget (api/admission.py RefusalBudget): what a refusal costs
    # the loop, and what the others see when every abusive request is looked at; then with
    # the budget as it ships, where an abusive subject waits once over it.
    for budget in ("off", "on"):
        os.environ.pop("ONEWINDOW_REFUSAL_BURST", None)
        if budget == "off":
            os.environ["ONEWINDOW_REFUSAL_BURST"] = "0"
        with tempfile.TemporaryDirectory() as workdir, served(database_url, args.port, 1, Path(workdir)) as server:
            print(f"\n== refusal budget {budget}: 1 uvicorn worker (pid {server.pid}) on {database_url}")
            if budget == "off":
                run(costs(server.url, server.pid, args.count))
            run(probed(server.url, server.pid, args.seconds, args.abusers, args.abuse_pause))
    os.environ.pop("ONEWINDOW_REFUSAL_BURST", None)


if __name__ == "__main__":
    main()
