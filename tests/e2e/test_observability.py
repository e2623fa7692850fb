"""/metrics and the request log of a real server, during a real sale and subscription."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from tests import ids
from tests.story import Sale
from tests.support import GraphQLClient, ServerProcess, server_env, token, wait_for
from tests.ws import EVENT_FIELDS, Subscription

METRICS_TOKEN = "metrics-token-for-the-tests"
EVENTS = "subscription { events { %s } }" % EVENT_FIELDS


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a Prometheus exposition."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict, name: str, **labels) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


async def scrape(url: str) -> dict:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


@pytest.fixture
def metered(settings, tmp_path):
    process = ServerProcess(
        server_env(settings, ONEWINDOW_METRICS_TOKEN=METRICS_TOKEN, ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"))
    ).start()
    yield process
    process.stop()


async def test_metrics_are_not_served_without_the_setting(server):
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/metrics")).status_code == 404
        assert (await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).status_code == 404


async def test_metrics_need_the_token(metered):
    async with httpx.AsyncClient(base_url=metered.url) as http:
        assert (await http.get("/metrics")).status_code == 401
        assert (await http.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401


async def test_a_sale_and_a_subscription_show_in_the_metrics(metered):
    async with httpx.AsyncClient(base_url=metered.url, timeout=30) as http:
        sale = await Sale(GraphQLClient(http)).setup()
        async with Subscription(metered.url, sale.actors.registrar, EVENTS) as subscriber:
            during = await scrape(metered.url)
            _, units = await sale.permit_with_units(units=1)
            contract = await sale.signed_contract(units[0]["id"])
            early = await sale.file(contract["id"])  # refused: the money has not arrived
            assert [e["code"] for e in early["userErrors"]] == ["FUNDS_NOT_DEPOSITED"]
            await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "300000.00", "OBS-1")
            await sale.deposit(contract["id"], "MAINTENANCE", "7160.00", "OBS-2")
            filed = await sale.file(contract["id"])
            assert filed["userErrors"] == []
            events = await GraphQLClient(http).data("{ events { totalCount } }", bearer=sale.actors.registrar)
            total = events["events"]["totalCount"]
            live = total - value(during, "onewindow_event_log_head")  # the subscription started live
            await subscriber.wait_for(live)
            bad = await GraphQLClient(http).execute("{ nope }", bearer=sale.actors.registrar)
            assert bad["errors"]
            not_json = await http.post("/graphql", content=b"{oops", headers={"Content-Type": "application/json"})
            assert not_json.status_code == 400
            after = await scrape(metered.url)

    assert value(during, "onewindow_subscribers") == 1
    assert value(after, "onewindow_requests_total", operation="mutation fileContract", outcome="ok") == 1
    assert value(after, "onewindow_requests_total", operation="mutation fileContract", outcome="user_error") == 1
    assert value(after, "onewindow_requests_total", operation="mutation registerOrganization", outcome="ok") == 4
    assert value(after, "onewindow_requests_total", operation="query nope", outcome="error") == 1
    assert value(after, "onewindow_requests_total", operation="none", outcome="bad_request") == 1
    assert value(after, "onewindow_errors_total", code="FUNDS_NOT_DEPOSITED") == 1
    assert value(after, "onewindow_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert value(after, "onewindow_request_duration_seconds_count", operation="mutation signContract") == 2
    assert value(after, "onewindow_request_duration_seconds_bucket", operation="mutation signContract", le="+Inf") == 2
    assert value(after, "onewindow_event_log_head") == total
    assert value(after, "onewindow_events_delivered_total") == live == 7
    assert value(after, "onewindow_admission_queue_length") == 0
    lag = [v for (name, labels), v in after.items() if name == "onewindow_event_reader_lag"]
    assert lag == [0]
    assert value(after, "onewindow_refusals_total") is None  # a labelled counter: no sample until a refusal


@pytest.mark.postgres
async def test_the_pool_in_use_is_measured_on_postgresql(metered):
    async with httpx.AsyncClient(base_url=metered.url) as http:
        await GraphQLClient(http).data("{ viewer { role } }", bearer=token("TAX"))
    found = await scrape(metered.url)
    assert value(found, "onewindow_db_pool_size") >= 1
    assert 0 <= value(found, "onewindow_db_pool_in_use") <= value(found, "onewindow_db_pool_size")


async def test_two_workers_answer_a_scrape_with_the_sum_of_both(settings, tmp_path):
    env = server_env(settings, ONEWINDOW_METRICS_TOKEN=METRICS_TOKEN, ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"))
    server = ServerProcess(env, workers=2).start(timeout=90)  # two spawned workers start slowly on a busy machine
    try:
        workers = set()
        for _ in range(40):  # a new connection each: the kernel spreads them over both workers
            async with httpx.AsyncClient(base_url=server.url) as http:
                assert await GraphQLClient(http).data("query Who { viewer { role } }", bearer=token("TAX"))
                workers.add((await http.get("/healthz")).json()["worker"])
        assert len(workers) == 2, "all connections went to one worker; the test proves nothing"
        for _ in range(3):  # whichever worker answers, it counts both workers' requests
            found = await scrape(server.url)
            assert value(found, "onewindow_requests_total", operation="Who", outcome="ok") == 40

        async def both_sampled():
            found = await scrape(server.url)
            return {
                dict(labels)["worker"] for (name, labels), _ in found.items() if name == "onewindow_event_reader_lag"
            }

        assert await wait_for(lambda: _has(both_sampled, workers), timeout=15)
    finally:
        server.stop()


async def _has(sampled, workers) -> bool:
    return await sampled() == {str(w) for w in workers}


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("{")]


async def test_one_json_line_per_request_with_its_id_and_never_a_token_or_an_id_number(settings, tmp_path):
    log = tmp_path / "server.log"
    server = ServerProcess(server_env(settings, ONEWINDOW_LOG_FORMAT="json", ONEWINDOW_TEST_LOG=str(log))).start()
    buyer = token("BUYER", ids.ZHANG_SAN, ["face"])
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            given = await http.post(
                "/graphql",
                json={"query": "query Me { viewer { role subject } }"},
                headers={"Authorization": f"Bearer {buyer}", "X-Request-ID": "county-gw-0001"},
            )
            assert given.status_code == 200 and given.headers["x-request-id"] == "county-gw-0001"
            assert ids.ZHANG_SAN in given.text  # the buyer sees their own ID number; the log must not
            made = await http.post(
                "/graphql",
                json={"query": '{ homesOwned(idNumber: "%s") { count } }' % ids.LI_SI},
                headers={"Authorization": f"Bearer {buyer}", "X-Request-ID": "bad id with spaces"},
            )
            made_id = made.headers["x-request-id"]
            assert made_id != "bad id with spaces" and len(made_id) == 32
        async with websockets.connect(
            server.url.replace("http", "ws") + "/graphql",
            subprotocols=["graphql-transport-ws"],
            additional_headers={"X-Request-ID": "ws-0001"},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {buyer}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
        await asyncio.sleep(0.5)  # the line is written as the server closes its side
    finally:
        server.stop()
    text = log.read_text(encoding="utf-8")
    assert buyer not in text and buyer.split(".")[1] not in text
    assert ids.ZHANG_SAN not in text and ids.LI_SI not in text
    lines = {line.get("request_id"): line for line in _lines(log) if line["logger"] == "onewindow.request"}
    me = lines["county-gw-0001"]
    assert (me["operation"], me["outcome"], me["role"], me["status"]) == ("Me", "ok", "BUYER", 200)
    assert me["subject"] == "buyer:" + ids.ZHANG_SAN[:4] + "*" * 10 + ids.ZHANG_SAN[-4:]
    assert isinstance(me["duration_ms"], float) and me["level"] == "info" and me["time"].endswith("+00:00")
    assert lines[made_id]["operation"] == "query homesOwned"
    socket = lines["ws-0001"]  # a WebSocket's line, written when it closes
    assert (socket["method"], socket["status"], socket["role"], socket["outcome"]) == ("WS", 101, "BUYER", "ok")


async def test_text_lines_when_asked_and_the_id_on_every_line(settings, tmp_path):
    log = tmp_path / "server.log"
    server = ServerProcess(server_env(settings, ONEWINDOW_LOG_FORMAT="text", ONEWINDOW_TEST_LOG=str(log))).start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            await http.get("/healthz", headers={"X-Request-ID": "text-0001"})
    finally:
        server.stop()
    line = next(line for line in log.read_text(encoding="utf-8").splitlines() if "text-0001" in line)
    assert not line.startswith("{") and "onewindow.request: GET /healthz 200" in line and "request_id=text-0001" in line
