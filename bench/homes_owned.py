"""Benchmark: homesOwned(scope: FAMILY) on a realistic county, through the API, on PostgreSQL.

Loads 1,000,000 people (shared population records and parties; couples, minor children) and
2,000,000 homes (1,600,000 registered to owners, 400,000 sold by filed contract) with COPY,
then asks homesOwned for random people and prints p50/p99 as the server measured it
(Server-Timing) and as the client saw it.

    .venv/bin/python -m bench.homes_owned                       # full size, about 3 minutes to load
    .venv/bin/python -m bench.homes_owned --people 100000 --homes 200000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx

from api.auth import mint_token
from api.settings import Settings
from bench.common import BENCH_SECRET, describe, fresh_database, percentile, run, served
from bench.shared_data_file import people, person_id
from domain.enums import Role

NOW = datetime(2026, 11, 27, tzinfo=UTC)
AREA = Decimal("89.50")
BATCH = 100_000


async def load(database_url: str, people_count: int, homes: int, filed_share: float) -> None:
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        started = time.perf_counter()
        shared, parties = [], []
        for n, record in enumerate(people(people_count)):
            shared.append(
                (
                    record["idNumber"],
                    record["name"],
                    record["maritalStatus"],
                    record["spouseIdNumber"],
                    json.dumps(record["childrenIdNumbers"]),
                    record["householdAddress"],
                    NOW,
                )
            )
            parties.append((n + 1, "PERSON", record["idNumber"], record["name"], NOW))
        await conn.copy_records_to_table(
            "shared_person",
            records=shared,
            columns=[
                "id_number",
                "name",
                "marital_status",
                "spouse_id_number",
                "children_id_numbers",
                "household_address",
                "updated_at",
            ],
        )
        developer = people_count + 1
        parties.append((developer, "ORGANIZATION", "91411528MA0000001H", "息县新园置业有限公司", NOW))
        await conn.copy_records_to_table(
            "party", records=parties, columns=["id", "kind", "id_number", "name", "created_at"]
        )
        del shared, parties
        print(f"  {people_count:,} people loaded in {time.perf_counter() - started:.0f} s", flush=True)

        rng = random.Random(7)
        filed_from = int(homes * (1 - filed_share))
        for start in range(0, homes, BATCH):
            stop = min(start + BATCH, homes)
            ids = range(start + 1, stop + 1)
            await conn.copy_records_to_table(
                "property",
                records=[
                    (
                        i,
                        f"411528{i // 100000:06d}GB{i % 100000:05d}F{i:08d}",
                        f"息县第{i}号",
                        str(i // 100),
                        1 + i % 30,
                        "101",
                        AREA,
                        "RESIDENTIAL",
                        "REGISTERED" if i <= filed_from else "SOLD",
                        NOW,
                    )
                    for i in ids
                ],
                columns=[
                    "id",
                    "unit_code",
                    "address",
                    "building",
                    "floor",
                    "room",
                    "building_area",
                    "usage",
                    "status",
                    "created_at",
                ],
            )
            owned = [i for i in ids if i <= filed_from]
            sold = [i for i in ids if i > filed_from]
            await conn.copy_records_to_table(
                "registration",
                records=[(i, "TRANSFER", "COMPLETED", "IN_FORCE", "{}", NOW, NOW, i) for i in owned],
                columns=[
                    "id",
                    "kind",
                    "status",
                    "right_status",
                    "application_form",
                    "created_at",
                    "completed_at",
                    "property_id",
                ],
            )
            await conn.copy_records_to_table(
                "registration_party",
                records=[(i, "RIGHT_HOLDER", 0, rng.randint(1, people_count), i) for i in owned],
                columns=["id", "role", "position", "party_id", "registration_id"],
            )
            await conn.copy_records_to_table(
                "contract",
                records=[
                    (
                        i,
                        f"411528-2026-{i:07d}",
                        Decimal("1000000.00"),
                        Decimal("300000.00"),
                        "FULL_PAYMENT",
                        True,
                        "FILED",
                        "0" * 64,
                        i,
                        NOW,
                        NOW,
                        i,
                        developer,
                    )
                    for i in sold
                ],
                columns=[
                    "id",
                    "number",
                    "price",
                    "down_payment",
                    "payment_method",
                    "delivery_with_certificate",
                    "status",
                    "document_hash",
                    "filed_property_id",
                    "created_at",
                    "filed_at",
                    "property_id",
                    "seller_id",
                ],
            )
            await conn.copy_records_to_table(
                "contract_buyer",
                records=[(i, 0, i, rng.randint(1, people_count)) for i in sold],
                columns=["id", "position", "contract_id", "party_id"],
            )
            print(f"  {stop:,} homes loaded in {time.perf_counter() - started:.0f} s", flush=True)
        for table, column in (
            ("party", "id"),
            ("property", "id"),
            ("registration", "id"),
            ("registration_party", "id"),
            ("contract", "id"),
            ("contract_buyer", "id"),
        ):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT max({column}) FROM {table}))"
            )
        await conn.execute("ANALYZE")
        print(f"  loaded and analysed in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        await conn.close()


QUERY = """query($n: String!) { homesOwned(idNumber: $n, scope: FAMILY) {
  count members { name idNumber } homes { basis since property { unitCode } holder { name } } } }"""


async def measure(url: str, people_count: int, requests: int, clients: int) -> None:
    headers = {"Authorization": f"Bearer {mint_token(Settings(jwt_secret=BENCH_SECRET), Role.TAX, ttl_seconds=3600)}"}
    rng = random.Random(11)
    targets = [person_id(rng.randrange(people_count)) for _ in range(requests)]
    server, client, counts = [], [], []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for n in targets[:50]:  # warm-up: connections, caches
            await http.post("/graphql", json={"query": QUERY, "variables": {"n": n}}, headers=headers)
        queue = list(targets)

        async def worker() -> None:
            while queue:
                number = queue.pop()
                started = time.perf_counter()
                response = await http.post(
                    "/graphql", json={"query": QUERY, "variables": {"n": number}}, headers=headers
                )
                client.append((time.perf_counter() - started) * 1000)
                server.append(float(response.headers["server-timing"].partition("dur=")[2]))
                body = response.json()
                assert not body.get("errors"), body
                counts.append(body["data"]["homesOwned"]["count"])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    print(
        f"homesOwned(FAMILY): {requests} requests, {clients} client(s), {requests / elapsed:.0f} requests/s; "
        f"homes per family: mean {sum(counts) / len(counts):.2f}, max {max(counts)}"
    )
    print(describe("server side", server))
    print(describe("client side", client))
    p99 = percentile(server, 99)
    print(f"target p99 < 10 ms server-side: {'met' if p99 < 10 else 'NOT met'} ({p99:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--homes", type=int, default=2_000_000)
    parser.add_argument(
        "--filed-share", type=float, default=0.2, help="share of homes held by filed contract, not yet registered"
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="measure again on the database the last run loaded")
    args = parser.parse_args()
    if args.reuse:
        database_url = f"{args.postgres.rpartition('/')[0]}/onewindow_bench_homes"
    else:
        database_url = run(fresh_database(args.postgres, "onewindow_bench_homes", unique=False))  # --reuse finds it
        print(f"loading {args.people:,} people and {args.homes:,} homes into {database_url}")
        run(load(database_url, args.people, args.homes, args.filed_share))
    with (
        tempfile.TemporaryDirectory() as workdir,
        served(database_url, args.port, args.workers, Path(workdir)) as server,
    ):
        url = server.url
        for clients in args.clients:
            run(measure(url, args.people, args.requests, clients))


if __name__ == "__main__":
    main()
