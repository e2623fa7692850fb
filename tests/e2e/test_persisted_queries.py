"""Automatic persisted queries (Apollo's protocol), the registered-only production mode, CORS."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import httpx
import pytest
from gql import Client
from gql import gql as document
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from api.app import create_app
from api.persisted import document_hash
from tests.support import ROOT, ServerProcess, server_env, token

QUERY = "{ viewer { role } }"
SHA = document_hash(QUERY)


def persisted(sha256: str = SHA) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


@pytest.fixture
async def app_client(db, settings, tmp_path):
    """An in-process app on this test's database, with settings the test chooses."""
    clients = []

    async def make(**changes) -> httpx.AsyncClient:
        chosen = dataclasses.replace(settings, persisted_documents=str(tmp_path / "persisted.json"), **changes)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(chosen)),
            base_url="http://onewindow.test",
            headers={"Authorization": f"Bearer {token('REGISTRAR')}"},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def test_a_hash_alone_is_not_found_then_the_query_with_it_is_remembered(app_client):
    http = await app_client()
    first = (await http.post("/graphql", json={"extensions": persisted()})).json()
    assert first["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    registered = (await http.post("/graphql", json={"query": QUERY, "extensions": persisted()})).json()
    assert registered == {"data": {"viewer": {"role": "REGISTRAR"}}}
    by_hash = await http.post("/graphql", json={"extensions": persisted()})
    assert by_hash.json() == {"data": {"viewer": {"role": "REGISTRAR"}}}
    # Apollo clients may send hashed queries with GET, extensions in the URL.
    by_get = await http.get("/graphql", params={"extensions": json.dumps(persisted())})
    assert by_get.json() == {"data": {"viewer": {"role": "REGISTRAR"}}}


async def test_a_hash_that_does_not_match_the_query_is_refused(app_client):
    http = await app_client()
    body = (await http.post("/graphql", json={"query": QUERY, "extensions": persisted("0" * 64)})).json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    after = (await http.post("/graphql", json={"extensions": persisted("0" * 64)})).json()
    assert after["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"  # nothing remembered


async def test_a_bad_persisted_query_extension_is_refused_with_a_code(app_client):
    http = await app_client()
    body = (
        await http.post("/graphql", json={"extensions": {"persistedQuery": {"version": 2, "sha256Hash": SHA}}})
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_INVALID"


def _persist(settings, path, *files) -> subprocess.CompletedProcess:
    env = server_env(settings, ONEWINDOW_PERSISTED_DOCUMENTS=str(path))
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "persist", *map(str, files)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_persisted_only_runs_registered_documents_and_refuses_the_rest(app_client, settings, tmp_path):
    source = tmp_path / "viewer.graphql"
    source.write_text(QUERY)
    done = _persist(settings, tmp_path / "persisted.json", source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [SHA]

    http = await app_client(persisted_only=True)
    assert (await http.post("/graphql", json={"extensions": persisted()})).json() == {
        "data": {"viewer": {"role": "REGISTRAR"}}
    }
    assert (await http.post("/graphql", json={"query": QUERY})).json() == {"data": {"viewer": {"role": "REGISTRAR"}}}
    other = "{ viewer { role subject } }"
    for body in ({"query": other}, {"query": other, "extensions": persisted(document_hash(other))}):
        refused = (await http.post("/graphql", json=body)).json()
        assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_REGISTERED", body
        assert refused["data"] is None
    # A document registered while the server runs is served at once.
    source.write_text(other)
    assert _persist(settings, tmp_path / "persisted.json", source).returncode == 0
    assert (await http.post("/graphql", json={"query": other})).json()["data"]["viewer"]["role"] == "REGISTRAR"


async def test_persist_refuses_a_document_that_does_not_validate_and_writes_nothing(settings, tmp_path):
    bad = tmp_path / "bad.graphql"
    bad.write_text("{ viewer { nosuchfield } }")
    done = _persist(settings, tmp_path / "persisted.json", bad)
    assert done.returncode == 2
    assert "nosuchfield" in done.stderr
    assert not (tmp_path / "persisted.json").exists()


def test_persisted_only_holds_over_websocket(settings, tmp_path):
    path = tmp_path / "persisted.json"
    source = tmp_path / "filed.graphql"
    allowed = "subscription { contractFiled { cursor } }"
    source.write_text(allowed)
    assert _persist(settings, path, source).returncode == 0
    server = ServerProcess(
        server_env(
            settings,
            ONEWINDOW_PERSISTED_ONLY="true",
            ONEWINDOW_PERSISTED_DOCUMENTS=str(path),
            ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"),
        )
    ).start()
    try:
        transport = WebsocketsTransport(
            url=server.url.replace("http", "ws") + "/graphql",
            init_payload={"Authorization": f"Bearer {token('TAX')}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )

        async def subscribe():
            async with Client(transport=transport) as session:
                async for _ in session.subscribe(document("subscription { events { cursor } }")):
                    pass

        import asyncio

        with pytest.raises(TransportQueryError) as refused:
            asyncio.run(asyncio.wait_for(subscribe(), 20))
        assert refused.value.errors[0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_REGISTERED"
    finally:
        server.stop()


async def test_cors_answers_only_the_allow_listed_origins(app_client):
    http = await app_client(cors_origins=("https://bank.example.cn",))
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = await http.options("/graphql", headers={"Origin": "https://bank.example.cn", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://bank.example.cn"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    other = await http.options("/graphql", headers={"Origin": "https://elsewhere.example.com", **preflight})
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
    answer = await http.post("/graphql", json={"query": QUERY}, headers={"Origin": "https://bank.example.cn"})
    assert answer.headers["access-control-allow-origin"] == "https://bank.example.cn"


async def test_no_cors_headers_by_default(app_client):
    http = await app_client()
    answer = await http.post("/graphql", json={"query": QUERY}, headers={"Origin": "https://bank.example.cn"})
    assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
