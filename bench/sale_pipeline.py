"""Benchmark: N complete sales with C concurrent clients against a server on PostgreSQL.

Each sale: draft, two signatures (buyer by face, developer by CA), two deposits, filing,
and the buyer's submission (instant approval). Prints sales per second and the p50/p99
latency of fileContract and submitAdvanceRegistration, as the client saw it and as the
server measured it (its Server-Timing header: from request to response, queueing in the
client excluded).

    .venv/bin/python bench/sale_pipeline.py --units 400 --clients 16
    .venv/bin/python bench/sale_pipeline.py --url http://127.0.0.1:8000/graphql   # a running server
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from api.auth import mint_token
from api.settings import Settings
from bench.common import BENCH_SECRET, GraphQLClient, describe, fresh_database, percentile, run, served
from domain.enums import Role
from tests.ids import credit_code, resident_id

DEVELOPER = credit_code("91411528MA0000001")
BANK = credit_code("91411500MA0000003")


def bearer(role: Role, party: str | None = None, amr: list[str] | None = None) -> dict:
    token = mint_token(Settings(jwt_secret=BENCH_SECRET), role, party, amr, 3600)
    return {"Authorization": f"Bearer {token}"}


async def call(http: GraphQLClient, query: str, variables: dict, headers: dict, timings: dict | None = None) -> dict:
    answer = await http.post(query, variables, headers)
    if timings is not None:
        timings["server"].append(answer.server_ms)
        timings["client"].append(answer.client_ms)
    body = answer.body
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    payload = next(iter(body["data"].values()))
    if payload.get("userErrors"):
        raise RuntimeError(payload["userErrors"])
    return payload


async def prepare(http: GraphQLClient, units: int) -> list[str]:
    registrar = bearer(Role.REGISTRAR)
    for code, name in ((DEVELOPER, "息县新园置业有限公司"), (BANK, "息县农村商业银行")):
        await http.post(
            "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { userErrors { code } } }",
            {"i": {"name": name, "idNumber": code}},
            registrar,
        )
    stamp = int(time.time()) % 100000
    properties = [
        {
            "unitCode": f"411528{stamp:06d}GB{n // 100000:05d}F{n % 100000:08d}",
            "address": f"新园路{n}号",
            "building": str(1 + n // 100),
            "floor": 1 + n % 30,
            "room": f"{n % 100:02d}01",
            "buildingArea": "89.50",
            "usage": "RESIDENTIAL",
        }
        for n in range(units)
    ]
    permit = await call(
        http,
        """mutation($i: IssuePresalePermitInput!) { issuePresalePermit(input: $i) {
        permit { properties(first: 100) { totalCount } } userErrors { code message } } }""",
        {
            "i": {
                "number": f"BENCH-{stamp}-{time.time_ns()}",
                "developerIdNumber": DEVELOPER,
                "projectName": "bench",
                "saleType": "PRESALE",
                "supervisedAccount": "1",
                "supervisingBankIdNumber": BANK,
                "properties": properties,
            }
        },
        bearer(Role.HOUSING),
    )
    assert permit["permit"]["properties"]["totalCount"] == units
    ids = []
    after = None
    while True:
        page = await http.post(
            (
                "query($a: String, $f: PropertyFilter) { properties(first: 100, after: $a, filter: "
                "$f) { pageInfo { hasNextPage endCursor } edges { node { id unitCode } } } }"
            ),
            {"a": after, "f": {"status": "AVAILABLE"}},
            bearer(Role.HOUSING),
        )
        conn = page.body["data"]["properties"]
        ids += [e["node"]["id"] for e in conn["edges"] if e["node"]["unitCode"][6:12] == f"{stamp:06d}"]
        if not conn["pageInfo"]["hasNextPage"]:
            return ids
        after = conn["pageInfo"]["endCursor"]


async def one_sale(http: GraphQLClient, property_id: str, n: int, timings: dict[str, dict[str, list[float]]]) -> str:
    """One sale, decided; the contract's id (bench/resale.py sells the home again)."""
    buyer_id = resident_id("411528", f"2000{1 + n // 28 % 12:02d}{1 + n % 28:02d}", f"{n % 1000:03d}")
    buyer = bearer(Role.BUYER, buyer_id, ["face"])
    developer = bearer(Role.DEVELOPER, DEVELOPER, ["ca"])
    bank = bearer(Role.BANK, BANK, ["ca"])
    drafted = await call(
        http,
        """mutation($i: DraftContractInput!) { draftContract(input: $i) {
        contract { id documentHash } userErrors { code message } } }""",
        {
            "i": {
                "propertyId": property_id,
                "buyers": [{"idNumber": buyer_id, "name": f"买受人{n}"}],
                "price": "1000000.00",
                "downPayment": "300000.00",
                "paymentMethod": "FULL_PAYMENT",
                "deliveryWithCertificate": True,
            }
        },
        developer,
    )
    contract = drafted["contract"]
    sign = (
        "mutation($i: SignContractInput!) { signContract(input: $i) { contract { status } "
        "userErrors { code message } } }"
    )
    for who in (buyer, developer):
        await call(http, sign, {"i": {"contractId": contract["id"], "documentHash": contract["documentHash"]}}, who)
    deposit = (
        "mutation($i: RecordFundDepositInput!) { recordFundDeposit(input: $i) { deposit { id "
        "} userErrors { code message } } }"
    )
    await call(
        http,
        deposit,
        {
            "i": {
                "contractId": contract["id"],
                "kind": "PRESALE_SUPERVISED",
                "amount": "300000.00",
                "bankReference": f"S{n}-{time.time_ns()}",
            }
        },
        bank,
    )
    await call(
        http,
        deposit,
        {
            "i": {
                "contractId": contract["id"],
                "kind": "MAINTENANCE",
                "amount": "7160.00",
                "bankReference": f"M{n}-{time.time_ns()}",
            }
        },
        bank,
    )
    filed = await call(
        http,
        """mutation($i: FileContractInput!) { fileContract(input: $i) {
        advanceRegistration { id } userErrors { code message } } }""",
        {"i": {"contractId": contract["id"]}},
        developer,
        timings["fileContract"],
    )
    decided = await call(
        http,
        """mutation($i: SubmitAdvanceRegistrationInput!) { submitAdvanceRegistration(input: $i) {
        registration { status } userErrors { code message } } }""",
        {"i": {"registrationId": filed["advanceRegistration"]["id"], "acceptDeliveryWithCertificate": True}},
        buyer,
        timings["submitAdvanceRegistration"],
    )
    assert decided["registration"]["status"] == "COMPLETED", decided
    return contract["id"]


async def run_sales(http: GraphQLClient, sales: list[tuple[int, str]], clients: int) -> tuple[dict, float]:
    """Every sale, taken by `clients` concurrent clients; the timings and the seconds it took."""
    queue: asyncio.Queue = asyncio.Queue()
    for sale in sales:
        queue.put_nowait(sale)
    timings = {name: {"server": [], "client": []} for name in ("fileContract", "submitAdvanceRegistration")}

    async def client() -> None:
        while not queue.empty():
            n, pid = queue.get_nowait()
            await one_sale(http, pid, n, timings)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return timings, time.perf_counter() - started


async def pipeline(url: str, units: int, clients: int, warmup: int = 0) -> None:
    async with GraphQLClient(url, connections=clients + 4) as http:
        sales = list(enumerate(await prepare(http, units + warmup)))
        # Not measured: the server's first requests open its pooled connections and prepare
        # each statement on each of them.
        await run_sales(http, sales[:warmup], clients)
        timings, elapsed = await run_sales(http, sales[warmup:], clients)
    print(
        f"sales completed: {units} with {clients} concurrent clients in {elapsed:.1f} s "
        f"= {units / elapsed:.1f} sales/s ({units * 7 / elapsed:.0f} mutations/s), after {warmup} not measured"
    )
    for name, sides in timings.items():
        for side, samples in sides.items():
            print(describe(f"{name} ({side})", samples))
    for side in ("server", "client"):
        p99 = percentile(timings["submitAdvanceRegistration"][side], 99)
        print(
            f"target submitAdvanceRegistration p99 < 50 ms ({side} side): "
            f"{'met' if p99 < 50 else 'NOT met'} ({p99:.1f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=64, help="sales run first and not measured")
    parser.add_argument("--workers", type=int, default=2, help="server processes when the benchmark starts its own")
    parser.add_argument("--url", help="a running server's /graphql (its JWT secret must be the benchmark's)")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server to create the bench database on",
    )
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    args = parser.parse_args()
    if args.url:
        run(pipeline(args.url, args.units, args.clients, args.warmup))
        return
    database_url = run(fresh_database(args.postgres, "onewindow_bench_sales"))
    with (
        tempfile.TemporaryDirectory() as workdir,
        served(database_url, args.port, args.workers, Path(workdir)) as server,
    ):
        url = server.url
        print(f"server: {args.workers} uvicorn worker(s) on {database_url}")
        run(pipeline(url, args.units, args.clients, args.warmup))


if __name__ == "__main__":
    main()
