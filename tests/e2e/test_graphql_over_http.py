"""The GraphQL-over-HTTP spec: graphql-http's server audits against a real server, and the two
media types answered as the spec says."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from api.graphql_app import wants_graphql_response
from tests import ids
from tests.support import ROOT, ServerProcess, server_env, token

AUDIT = ROOT / "clients" / "graphql-http"
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
def server(settings, tmp_path):
    """A real server with GraphiQL and introspection on, as a development deployment has them
    (on PostgreSQL the production defaults turn both off)."""
    process = ServerProcess(
        server_env(
            settings,
            ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"),
            ONEWINDOW_GRAPHIQL="true",
            ONEWINDOW_INTROSPECTION="true",
        )
    ).start()
    yield process
    process.stop()


@pytest.mark.skipif(
    shutil.which("node") is None or not (AUDIT / "node_modules" / "graphql-http").exists(),
    reason="needs node and `npm ci` in clients/graphql-http (make install does it)",
)
def test_every_graphql_http_server_audit_passes_without_a_warning(server):
    run = subprocess.run(
        ["node", str(AUDIT / "audit.mjs"), f"{server.url}/graphql", token("REGISTRAR")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=AUDIT,
    )
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) > 30, run.stderr  # the package's whole list ran
    assert [r for r in results if r["status"] != "ok"] == []
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        (GRAPHQL_RESPONSE, True),
        (f"{GRAPHQL_RESPONSE}, application/json", True),
        (f"application/json, {GRAPHQL_RESPONSE}", False),
        (f"application/json;q=0.9, {GRAPHQL_RESPONSE}", True),
        (f"{GRAPHQL_RESPONSE};q=0", False),
    ],
)
def test_the_accept_header_chooses_the_media_type(accept, expected):
    assert wants_graphql_response(accept) is expected


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"query": "{ viewer { role "}, 400),  # does not parse
        ({"query": "{ viewer { nosuchfield } }"}, 400),  # does not validate
        ({"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": [1]}}, 400),  # not coerced
    ],
)
async def test_a_request_that_never_executes_is_a_400_without_data(gql, body, status):
    response = await gql.http.post("/graphql", json=body, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == status
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json() and response.json()["errors"]
    legacy = await gql.http.post("/graphql", json=body, headers={"Accept": "application/json"})
    assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json"
    assert legacy.json()["data"] is None


async def test_an_operation_that_executed_is_a_200_with_data_even_when_refused(gql):
    # Without a token a document asking for more than the public fields is refused before it
    # executes (issue 11): a request error, so 4xx without data.
    response = await gql.http.post(
        "/graphql", json={"query": "{ viewer { role } }"}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code in (400, 401)
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Signed in, a field refused while the operation executes is an answer: 200 with data.
    refused = await gql.http.post(
        "/graphql",
        json={"query": f'{{ homesOwned(idNumber: "{ids.ZHANG_SAN}") {{ count }} }}'},
        headers={"Accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {token('DEVELOPER')}"},
    )
    assert refused.status_code == 200
    assert "data" in refused.json() and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    ok = await gql.http.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {token('TAX')}"},
    )
    assert (ok.status_code, ok.json()) == (200, {"data": {"viewer": {"role": "TAX"}}})
