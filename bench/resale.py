"""Benchmark: N resales (存量房买卖 and 转移登记, issue 14) of registered homes with C concurrent
clients against a server on PostgreSQL.

Setup, through the API and not measured: one permit of N units, each sold new as
bench/sale_pipeline.py sells it (instant advance notice), its deed tax assessed and paid, the
completion accepted, and the building first-registered (`applyFirstRegistration`, and where the
schema has `recordFeePayment` the registrar pays the developer's and then the buyers' fees: each
buyer then holds an ownership in force). Then, measured, each resale: the owner drafts to a new buyer,
both sign (face), the owner files, the tax bureau assesses the buyer's deed tax and the seller's
VAT and income tax and records each payment, the buyer applies for the transfer, the registration
fee is paid when the schema has `recordFeePayment` (issue 14 item 6; skipped when absent, or
forced off with --no-fees), the seller and then the buyer sign the application; the buyer's
signature decides at once (COMPLETED). Prints resales per second and the p50/p99 of the deciding
`signRegistration`, as the server measured it (its Server-Timing header) and as the client saw it.

    .venv/bin/python -m bench.resale --homes 800 --clients 16
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, GraphQLClient, describe, fresh_database, percentile, run, served
from bench.sale_pipeline import DEVELOPER, bearer, call, one_sale, prepare
from domain.enums import Role
from tests.ids import resident_id

TIMED = ("fileContract", "applyTransferRegistration", "signRegistration (deciding)")


def seller_id(n: int) -> str:
    """The new home's buyer in bench/sale_pipeline.py's one_sale, now its owner."""
    return resident_id("411528", f"2000{1 + n // 28 % 12:02d}{1 + n % 28:02d}", f"{n % 1000:03d}")


def buyer_id(n: int) -> str:
    """The resale's buyer: another person, born 1990 (so of the county's older code 413021; n < 336,000)."""
    return resident_id("413021", f"1990{1 + n // 28 % 12:02d}{1 + n % 28:02d}", f"{n // 336 % 1000:03d}")


def has_mutation(name: str) -> bool:
    """Whether this checkout's schema (the server's, when the benchmark starts it) has the
    mutation: production servers answer no introspection."""
    return f"  {name}(" in (ROOT / "schema.graphql").read_text()


async def pay_taxes(http: GraphQLClient, records: list[dict], tag: str) -> None:
    tax = bearer(Role.TAX)
    for record in records:
        if record["amount"] in ("0", "0.00"):
            continue  # an exemption: nothing to pay
        await call(
            http,
            """mutation($id: ID!, $a: Decimal!, $v: String!) { recordTaxPayment(input: {taxRecordId: $id,
            amount: $a, voucherNumber: $v}) { taxRecord { status } userErrors { code message } } }""",
            {"id": record["id"], "a": record["amount"], "v": f"V{tag}-{record['id']}"},
            tax,
        )


async def assess_deed_tax(http: GraphQLClient, contract_id: str) -> list[dict]:
    assessed = await call(
        http,
        """mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) { taxRecords { id amount }
        userErrors { code message } } }""",
        {"id": contract_id},
        bearer(Role.TAX),
    )
    return assessed["taxRecords"]


async def registered_homes(http: GraphQLClient, homes: int, clients: int) -> list[str]:
    """N new homes sold, their deed tax paid, and the building first-registered: the property ids,
    the n-th held by seller_id(n)."""
    started = time.perf_counter()
    property_ids = await prepare(http, homes)
    permit = await http.post(
        "query($id: ID!) { node(id: $id) { ... on Property { permit { id } } } }",
        {"id": property_ids[0]},
        bearer(Role.HOUSING),
    )
    permit_id = permit.body["data"]["node"]["permit"]["id"]
    queue: asyncio.Queue = asyncio.Queue()
    for item in enumerate(property_ids):
        queue.put_nowait(item)
    untimed = {name: {"server": [], "client": []} for name in ("fileContract", "submitAdvanceRegistration")}

    async def sell() -> None:
        while not queue.empty():
            n, pid = queue.get_nowait()
            contract_id = await one_sale(http, pid, n, untimed)
            await pay_taxes(http, await assess_deed_tax(http, contract_id), f"N{n}")

    await asyncio.gather(*(sell() for _ in range(clients)))
    await call(
        http,
        """mutation($i: RecordCompletionAcceptanceInput!) { recordCompletionAcceptance(input: $i) {
        permit { completionAcceptedAt } userErrors { code message } } }""",
        {"i": {"permitId": permit_id, "acceptanceNumber": f"息竣备BENCH-{time.time_ns()}"}},
        bearer(Role.HOUSING),
    )
    apply_first = """mutation($id: ID!) { applyFirstRegistration(input: {permitId: $id}) {
        transfers { status } userErrors { code message } } }"""
    developer = bearer(Role.DEVELOPER, DEVELOPER, ["ca"])
    first = await call(http, apply_first, {"id": permit_id}, developer)
    if has_mutation("recordFeePayment"):
        # 登记费: the developer's first registrations, then the buyers' transfers (applying again
        # answers the transfers as they stand, doing nothing twice).
        await pay_outstanding_fees(http, clients)
        first = await call(http, apply_first, {"id": permit_id}, developer)
    done = sum(t["status"] == "COMPLETED" for t in first["transfers"])
    assert done == homes, f"{done} of {homes} homes registered to their buyers"
    print(f"setup: {homes} homes sold new and first-registered in {time.perf_counter() - started:.1f} s")
    return property_ids


async def pay_outstanding_fees(http: GraphQLClient, clients: int) -> None:
    """The registrar records every fee still to pay, `clients` at a time, until none is left (a
    payment may make the next registration, with its own fee, ready)."""
    registrar = bearer(Role.REGISTRAR)
    while True:
        due, after = [], None
        while True:
            page = (
                await http.post(
                    """query($after: String) { registrations(first: 100, after: $after) {
                    edges { node { id status feeOutstanding } } pageInfo { hasNextPage endCursor } } }""",
                    {"after": after},
                    registrar,
                )
            ).body["data"]["registrations"]
            due += [
                (e["node"]["id"], e["node"]["feeOutstanding"])
                for e in page["edges"]
                if e["node"]["status"] not in ("COMPLETED", "REJECTED", "WITHDRAWN")
                and e["node"]["feeOutstanding"] not in ("0", "0.00")
            ]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        if not due:
            return
        queue = iter(due)

        async def payer(queue: Iterator[tuple[str, str]]) -> None:
            for registration_id, amount in queue:
                await call(
                    http,
                    """mutation($i: RecordFeePaymentInput!) { recordFeePayment(input: $i) {
                    userErrors { code message } } }""",
                    {
                        "i": {
                            "registrationId": registration_id,
                            "amount": amount,
                            "voucherNumber": f"S{registration_id}",
                        }
                    },
                    registrar,
                )

        await asyncio.gather(*(payer(queue) for _ in range(clients)))


async def one_resale(
    http: GraphQLClient, property_id: str, n: int, fees: bool, timings: dict[str, dict[str, list[float]]]
) -> None:
    seller_number, buyer_number = seller_id(n), buyer_id(n)
    seller = bearer(Role.BUYER, seller_number, ["face"])
    buyer = bearer(Role.BUYER, buyer_number, ["face"])
    drafted = await call(
        http,
        """mutation($i: DraftContractInput!) { draftContract(input: $i) {
        contract { id documentHash } userErrors { code message } } }""",
        {
            "i": {
                "propertyId": property_id,
                "buyers": [{"idNumber": buyer_number, "name": f"买受人R{n}"}],
                "price": "1200000.00",
                "downPayment": "1200000.00",
                "paymentMethod": "FULL_PAYMENT",
                "deliveryWithCertificate": True,
            }
        },
        seller,
    )
    contract = drafted["contract"]
    sign = (
        "mutation($i: SignContractInput!) { signContract(input: $i) { contract { status } "
        "userErrors { code message } } }"
    )
    for who in (seller, buyer):
        await call(http, sign, {"i": {"contractId": contract["id"], "documentHash": contract["documentHash"]}}, who)
    await call(
        http,
        """mutation($i: FileContractInput!) { fileContract(input: $i) { contract { status }
        userErrors { code message } } }""",
        {"i": {"contractId": contract["id"]}},
        seller,
        timings["fileContract"],
    )
    records = await assess_deed_tax(http, contract["id"])
    sellers = await call(
        http,
        """mutation($id: ID!) { assessSellerTaxes(input: {contractId: $id}) { taxRecords { id amount }
        userErrors { code message } } }""",
        {"id": contract["id"]},
        bearer(Role.TAX),
    )
    await pay_taxes(http, [*records, *sellers["taxRecords"]], f"R{n}")
    fee_field = " fee" if fees else ""
    applied = await call(
        http,
        f"""mutation($i: ApplyTransferRegistrationInput!) {{ applyTransferRegistration(input: $i) {{
        registration {{ id documentHash{fee_field} }} userErrors {{ code message }} }} }}""",
        {"i": {"contractId": contract["id"]}},
        buyer,
        timings["applyTransferRegistration"],
    )
    registration = applied["registration"]
    if fees and registration["fee"] not in ("0", "0.00"):
        await call(
            http,
            """mutation($i: RecordFeePaymentInput!) { recordFeePayment(input: $i) { userErrors { code message } } }""",
            {"i": {"registrationId": registration["id"], "amount": registration["fee"], "voucherNumber": f"F{n}"}},
            bearer(Role.REGISTRAR),
        )
    sign_registration = """mutation($i: SignRegistrationInput!) { signRegistration(input: $i) {
        registration { status } userErrors { code message } } }"""
    signed = {"i": {"registrationId": registration["id"], "documentHash": registration["documentHash"]}}
    await call(http, sign_registration, signed, seller)
    decided = await call(http, sign_registration, signed, buyer, timings["signRegistration (deciding)"])
    assert decided["registration"]["status"] == "COMPLETED", decided


async def run_resales(
    http: GraphQLClient, resales: list[tuple[int, str]], clients: int, fees: bool
) -> tuple[dict, float]:
    queue: asyncio.Queue = asyncio.Queue()
    for resale in resales:
        queue.put_nowait(resale)
    timings = {name: {"server": [], "client": []} for name in TIMED}

    async def client() -> None:
        while not queue.empty():
            n, pid = queue.get_nowait()
            await one_resale(http, pid, n, fees, timings)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return timings, time.perf_counter() - started


async def bench(url: str, homes: int, clients: int, warmup: int, fees: bool | None) -> None:
    async with GraphQLClient(url, connections=clients + 4) as http:
        available = has_mutation("recordFeePayment")
        fees = available if fees is None else fees and available
        resales = list(enumerate(await registered_homes(http, homes + warmup, clients)))
        await run_resales(http, resales[:warmup], clients, fees)  # not measured: pools and statements warm up
        timings, elapsed = await run_resales(http, resales[warmup:], clients, fees)
    steps = 12 + fees
    print(
        f"resales completed: {homes} with {clients} concurrent clients in {elapsed:.1f} s "
        f"= {homes / elapsed:.1f} resales/s ({homes * steps / elapsed:.0f} mutations/s), "
        f"after {warmup} not measured; fees {'paid (recordFeePayment)' if fees else 'skipped (no recordFeePayment)'}"
    )
    for name, sides in timings.items():
        for side, samples in sides.items():
            print(describe(f"{name} ({side})", samples))
    for side in ("server", "client"):
        print(
            f"deciding signRegistration p99 ({side} side): "
            f"{percentile(timings['signRegistration (deciding)'][side], 99):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, default=400, help="resales measured")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=64, help="resales run first and not measured")
    parser.add_argument(
        "--fees",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="pay each transfer's fee with recordFeePayment (default: when the schema has it)",
    )
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
        run(bench(args.url, args.homes, args.clients, args.warmup, args.fees))
        return
    database_url = run(fresh_database(args.postgres, "onewindow_bench_resale"))
    with (
        tempfile.TemporaryDirectory() as workdir,
        served(database_url, args.port, args.workers, Path(workdir)) as server,
    ):
        print(f"server: {args.workers} uvicorn worker(s) on {database_url}")
        run(bench(server.url, args.homes, args.clients, args.warmup, args.fees))


if __name__ == "__main__":
    main()
