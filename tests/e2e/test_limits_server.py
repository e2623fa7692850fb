"""Request limits, WebSocket limits, fairness and faults on a real server (issue 11 items 3, 4, 6)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import asyncpg
import httpx
import pytest
import websockets

from tests.support import ROOT, ServerProcess, free_port, server_env, token

VIEWER = {"query": "{ viewer { role } }"}


@pytest.fixture
def limited_server(settings, tmp_path):
    log = tmp_path / "server.log"
    process = ServerProcess(
        server_env(
            settings,
            ONEWINDOW_TEST_LOG=str(log),
            ONEWINDOW_WS_INIT_TIMEOUT_SECONDS="1",
            ONEWINDOW_WS_MAX_MESSAGE_BYTES="4096",
            ONEWINDOW_REQUEST_DEADLINE_SECONDS="2",
        )
    ).start()
    process.log = log
    yield process
    process.stop()


async def read_response(reader: asyncio.StreamReader) -> tuple[bytes, dict]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    return head, json.loads(await reader.readexactly(length))


async def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(limited_server):
    reader, writer = await asyncio.open_connection("127.0.0.1", limited_server.port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + token("REGISTRAR").encode() + b"\r\n"
        b"Content-Length: 50000000\r\n\r\n" + b'{"query": "'
    )
    await writer.drain()  # 50 MB announced, a few bytes sent: the answer comes anyway
    head, body = await read_response(reader)
    assert head.startswith(b"HTTP/1.1 413")
    assert body["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE", "limit": 1_048_576}
    writer.close()


async def test_a_streamed_anonymous_body_is_cut_off_at_its_limit(limited_server):
    reader, writer = await asyncio.open_connection("127.0.0.1", limited_server.port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"#" * 4000
    for _ in range(3):  # 12,000 bytes, no declared length
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    await writer.drain()
    head, body = await read_response(reader)
    assert head.startswith(b"HTTP/1.1 413")
    assert body["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE", "limit": 8192}
    writer.close()
    async with httpx.AsyncClient(base_url=limited_server.url) as http:  # the server is unharmed
        assert (await http.get("/healthz")).status_code == 200


async def test_a_websocket_without_connection_init_is_closed_4408(limited_server):
    url = limited_server.url.replace("http", "ws") + "/graphql"
    started = time.monotonic()
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd.code == 4408
    assert time.monotonic() - started < 5


async def test_a_websocket_message_over_the_limit_is_refused(limited_server):
    url = limited_server.url.replace("http", "ws") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token('TAX')}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "#" + "x" * 5000 + "\n{ viewer { role } }"}}
            )
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd.code == 1009


async def test_a_fault_answers_internal_and_the_log_has_its_traceback(limited_server, settings):
    await _rename_permit_table(settings.database_url, "permit", "permit_gone")
    try:
        async with httpx.AsyncClient(base_url=limited_server.url) as http:
            body = (
                await http.post(
                    "/graphql",
                    json={"query": "{ permits { totalCount } }"},
                    headers={"Authorization": f"Bearer {token('REGISTRAR')}"},
                )
            ).json()
    finally:
        await _rename_permit_table(settings.database_url, "permit_gone", "permit")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    request_id = error["extensions"]["requestId"]
    assert "Traceback" not in json.dumps(body)
    log = limited_server.log.read_text()
    assert f"request {request_id}" in log
    assert "Traceback" in log.split(f"request {request_id}", 1)[1]


async def _rename_permit_table(database_url: str, old: str, new: str) -> None:
    if database_url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite://")) as db:
            db.execute(f"ALTER TABLE {old} RENAME TO {new}")
        return
    connection = await asyncpg.connect(database_url.split("?")[0].replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(f"ALTER TABLE {old} RENAME TO {new}")
    finally:
        await connection.close()


@pytest.mark.postgres
async def test_one_subjects_slow_requests_do_not_starve_another(limited_server, settings):
    """Four requests of one user wait on a lock (4 slots: the user may hold 2); another user's
    trivial query is answered at once, and the slow ones end with TIMEOUT at the deadline."""
    admin = await asyncpg.connect(settings.database_url.split("?")[0].replace("postgres://", "postgresql://", 1))
    try:
        locked = admin.transaction()
        await locked.start()
        await admin.execute("LOCK TABLE permit IN ACCESS EXCLUSIVE MODE")
        async with httpx.AsyncClient(base_url=limited_server.url, timeout=30) as http:
            slow_user = {"Authorization": f"Bearer {token('HOUSING')}"}
            slow = [
                asyncio.create_task(
                    http.post("/graphql", json={"query": "{ permits { totalCount } }"}, headers=slow_user)
                )
                for _ in range(4)
            ]
            await asyncio.sleep(0.3)
            started = time.monotonic()
            quick = await http.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {token('TAX')}"})
            waited = time.monotonic() - started
            assert quick.json() == {"data": {"viewer": {"role": "TAX"}}}
            assert waited < 0.5 and not any(task.done() for task in slow)
            answers = [(await task).json() for task in slow]
        await locked.rollback()
    finally:
        await admin.close()
    for answer in answers:  # PostgreSQL's statement_timeout (80 % of the deadline) stopped them
        assert answer["errors"][0]["extensions"]["code"] == "TIMEOUT", answer


def test_serve_refuses_the_development_secret_on_a_public_address(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    env["PYTHONPATH"] = str(ROOT)
    refused = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "development token secret" in refused.stderr and "refusing to start" in refused.stderr
