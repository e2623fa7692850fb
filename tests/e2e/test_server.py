"""A real uvicorn process, talked to over HTTP and WebSocket as clients would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import websockets
from gql import Client
from gql import gql as parse
from gql.transport.websockets import WebsocketsTransport

from tests import ids
from tests.support import ROOT, ServerProcess, free_port, on_postgres, server_env, token

ONEWINDOW = [sys.executable, "-m", "api.cli"]


async def test_health_and_readiness(server):
    async with httpx.AsyncClient(base_url=server.url) as http:
        health = (await http.get("/healthz")).json()
        assert health["status"] == "ok" and isinstance(health["worker"], int)
        ready = (await http.get("/readyz")).json()
        assert (ready["status"], ready["database"]) == ("ok", "ok") and ready["broadcast"] in ("connected", "polling")
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        if on_postgres():  # a shared database is production: no GraphiQL unless asked for
            assert "graphiql" not in page.text.lower()
        else:
            assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_a_token_minted_by_the_cli_is_accepted(server, server_gql, settings):
    env = server_env(settings)
    minted = subprocess.run(
        [*ONEWINDOW, "token", "--role", "HOUSING"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert minted.stdout.count("\n") == 1 and minted.stderr == ""
    data = await server_gql.data("{ viewer { role } }", bearer=minted.stdout.strip())
    assert data == {"viewer": {"role": "HOUSING"}}


async def test_register_then_read_back_over_http(server_gql):
    mutation = (
        'mutation { registerOrganization(input: {name: "Xixian Rural Bank", idNumber: "%s"}) '
        "{ party { id } userErrors { code } } }"
    )
    created = await server_gql.data(mutation % ids.BANK, bearer=token("REGISTRAR"))
    party_id = created["registerOrganization"]["party"]["id"]
    read = await server_gql.data(
        "query($id: ID!) { node(id: $id) { ... on Party { name idNumber } } }", {"id": party_id}, bearer=token("TAX")
    )
    assert read["node"] == {"name": "Xixian Rural Bank", "idNumber": ids.BANK}
    events = await server_gql.data("{ events { totalCount edges { node { type } } } }", bearer=token("SUPERVISOR"))
    assert events["events"]["edges"][0]["node"]["type"] == "ORGANIZATION_REGISTERED"


async def _ws_operation(url: str, init_payload: dict | None, query: str) -> dict:
    async with websockets.connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init_payload or {}}))
        ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        return json.loads(await ws.recv())


async def test_websocket_authenticates_in_connection_init(server):
    message = await _ws_operation(server.url, {"Authorization": f"Bearer {token('TAX')}"}, "{ viewer { role } }")
    assert message["type"] == "next" and message["payload"]["data"] == {"viewer": {"role": "TAX"}}


async def test_websocket_without_a_token_is_unauthenticated(server):
    message = await _ws_operation(server.url, None, "{ viewer { role } }")
    # Refused before validation (resolvers/extensions.py): the protocol's `error` message.
    assert message["type"] == "error" and message["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("bad", ["Bearer not-a-token", f"Bearer {token('TAX', ttl=-10)}", "Basic abc"])
async def test_websocket_with_a_bad_token_is_closed(server, bad):
    async with websockets.connect(
        server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": bad}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4403


async def test_the_gql_client_queries_over_websocket(server):
    transport = WebsocketsTransport(
        url=server.url.replace("http", "ws") + "/graphql",
        init_payload={"Authorization": f"Bearer {token('REGISTRAR')}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],  # graphql-transport-ws
    )
    async with Client(transport=transport) as session:
        result = await session.execute(parse("{ viewer { role subject } }"))
    assert result == {"viewer": {"role": "REGISTRAR", "subject": "registrar:staff"}}


def test_verify_log_names_the_tampered_event(server, settings):
    import asyncio

    async def register_three():
        async with httpx.AsyncClient(base_url=server.url) as http:
            for code in (ids.BANK, ids.OTHER_BANK, ids.DEVELOPER):
                mutation = (
                    'mutation { registerOrganization(input: {name: "Org", idNumber: "%s"}) { userErrors { code } } }'
                    % code
                )
                r = await http.post(
                    "/graphql", json={"query": mutation}, headers={"Authorization": f"Bearer {token('REGISTRAR')}"}
                )
                assert r.json()["data"]["registerOrganization"]["userErrors"] == []

    asyncio.run(register_three())
    env = server_env(settings)
    ok = subprocess.run([*ONEWINDOW, "verify-log"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert (ok.returncode, ok.stdout.strip()) == (0, "OK 3 events")
    _execute_sql(settings.database_url, 'UPDATE event SET payload = \'{"name": "Forged"}\' WHERE seq = 2')
    broken = subprocess.run([*ONEWINDOW, "verify-log"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert broken.returncode == 1
    assert broken.stdout.startswith("BROKEN at event 2:")


def _execute_sql(database_url: str, statement: str) -> None:
    import asyncio

    from tortoise import Tortoise, connections

    from api.db import init_orm

    async def run():
        await init_orm(database_url)
        try:
            await connections.get("default").execute_script(statement)
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())


def test_serve_refuses_a_shared_database_without_a_token_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    env["ONEWINDOW_DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/test"
    result = subprocess.run(
        [*ONEWINDOW, "serve", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "refusing to start" in result.stderr and "ONEWINDOW_JWT_SECRET" in result.stderr


def test_serve_on_the_embedded_default_migrates_and_answers(tmp_path):
    """The README's serve command in an empty folder: SQLite and keys are created under var/."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    env["PYTHONPATH"] = str(ROOT)
    port = free_port()
    process = subprocess.Popen(
        [*ONEWINDOW, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        server = ServerProcess(env, port)
        server.process = process
        import time

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        minted = subprocess.run(
            [*ONEWINDOW, "token", "--role", "REGISTRAR"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        reply = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"Authorization": f"Bearer {minted}"},
        ).json()
        assert reply == {"data": {"viewer": {"role": "REGISTRAR"}}}
        assert (tmp_path / "var" / "onewindow.sqlite3").exists() and (tmp_path / "var" / "signing-key.pem").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/graphql" in output and "onewindow token" in output


def test_workers_listen_each_on_its_own_socket_and_stop_together(settings):
    """`onewindow serve --workers 2`: new connections reach both processes, and stopping the
    server stops every worker."""
    server = ServerProcess(server_env(settings), workers=2).start()
    try:
        workers = set()
        for _ in range(32):  # a new connection each time
            with httpx.Client(base_url=server.url) as http:
                workers.add(http.get("/healthz").json()["worker"])
        assert len(workers) == 2
    finally:
        server.stop()
    for pid in workers:
        status = Path(f"/proc/{pid}/status")
        assert not status.parent.exists() or "zombie" in status.read_text().lower()
