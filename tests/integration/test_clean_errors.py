"""Every error has a code, none echoes much input, faults answer INTERNAL with a request id
(issue 11 item 6); production switches (item 5); token times; deadlines (item 4)."""

from __future__ import annotations

import dataclasses
import logging
import time

import httpx
import jwt
import pytest
from tortoise import connections

from api.app import create_app
from api.db import init_orm
from api.settings import DEVELOPMENT_JWT_SECRET, Settings, SettingsError
from domain.enums import Role
from resolvers.errors import _cancelled_by_database, truncate_echo
from tests import ids
from tests.support import TEST_JWT_SECRET, token


def registrar() -> dict:
    """Minted when sent: a token minted at import would expire before a long run's last tests."""
    return {"Authorization": f"Bearer {token(Role.REGISTRAR)}"}


async def client_for(settings: Settings):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://t")


async def test_a_fault_answers_internal_with_a_request_id_and_logs_the_traceback(gql, caplog):
    # A real fault: the table behind `permits` is gone.
    await connections.get("default").execute_script("ALTER TABLE permit RENAME TO permit_gone")
    try:
        with caplog.at_level(logging.ERROR, logger="onewindow.errors"):
            response = await gql.http.post(
                "/graphql", json={"query": "{ permits { totalCount } }"}, headers=registrar()
            )
    finally:
        await connections.get("default").execute_script("ALTER TABLE permit_gone RENAME TO permit")
    error = response.json()["errors"][0]
    request_id = error["extensions"]["requestId"]
    # The request's one id: made once (no X-Request-ID was sent) and returned as its header.
    assert error["extensions"]["code"] == "INTERNAL" and request_id == response.headers["x-request-id"]
    assert (
        "no such table" not in error["message"]
        and "does not exist" not in error["message"]
        and request_id in error["message"]
    )
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback, under the same id


async def test_no_message_echoes_more_than_100_characters_of_input(gql):
    huge = "9" * 5000
    for query, variables in [
        ("query($n: Int) { permits(first: $n) { totalCount } }", {"n": huge}),
        ("query($n: Int) { permits(first: $n) { totalCount } }", {"n": "x" * 5000}),
        ('{ permits(first: "%s") { totalCount } }' % ("y" * 3000), {}),
        ("{ %s }" % ("z" * 3000), {}),
    ]:
        body = (
            await gql.http.post("/graphql", json={"query": query, "variables": variables}, headers=registrar())
        ).json()
        for error in body["errors"]:
            assert error["extensions"]["code"] in ("INVALID_INPUT", "GRAPHQL_VALIDATION_FAILED"), error
            longest = max((len(run) for run in error["message"].replace("'", '"').split('"')), default=0)
            assert longest <= 101 and len(error["message"]) < 400, error["message"]


def test_truncation_keeps_short_quotes_and_cuts_long_ones():
    assert truncate_echo("Expected 'Int', found \"abc\".") == "Expected 'Int', found \"abc\"."
    assert truncate_echo("found '" + "a" * 300 + "'.") == "found '" + "a" * 100 + "…'."
    assert truncate_echo("value " + "1" * 300) == "value " + "1" * 100 + "…"


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
async def test_token_times_must_be_numbers(gql, claim):
    now = int(time.time())
    claims = {"sub": "tax:staff", "role": "TAX", "iss": "onewindow", "exp": now + 600, "iat": now}
    claims[claim] = str(claims.get(claim, now))
    forged = jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")
    for _ in range(2):  # the second time from the verified-token cache, if it were kept
        response = await gql.http.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers={"Authorization": f"Bearer {forged}"}
        )
        assert response.status_code == 200
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "UNAUTHENTICATED" and claim in error["message"]


async def test_production_turns_introspection_suggestions_and_graphiql_off(settings, db):
    production = dataclasses.replace(settings, environment="production")
    async with await client_for(production) as http:
        body = (
            await http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"}, headers=registrar())
        ).json()
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        body = (await http.post("/graphql", json={"query": "{ viewr { role } }"}, headers=registrar())).json()
        assert "Did you mean" not in body["errors"][0]["message"] and "viewr" in body["errors"][0]["message"]
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()
    asked = dataclasses.replace(production, introspection=True, graphiql=True)
    async with await client_for(asked) as http:
        body = (await http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})).json()
        assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
        assert "graphiql" in (await http.get("/graphql", headers={"Accept": "text/html"})).text.lower()
    development = dataclasses.replace(settings, database_url="sqlite://x.sqlite3")
    assert not development.is_production and development.query_limits().suggestions


def test_a_shared_database_is_production(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_DATABASE_URL", "postgres://u@h:5432/d")
    monkeypatch.setenv("ONEWINDOW_INTROSPECTION", "true")
    settings = Settings.from_env()
    assert settings.is_production and not settings.graphiql_on and settings.introspection_on
    assert not settings.query_limits().suggestions
    monkeypatch.setenv("ONEWINDOW_GRAPHIQL", "maybe")
    with pytest.raises(SettingsError, match="ONEWINDOW_GRAPHIQL"):
        Settings.from_env()


def test_the_development_secret_serves_loopback_only():
    development = Settings()
    assert development.effective_jwt_secret() == DEVELOPMENT_JWT_SECRET
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        development.check_exposed_binding(host)
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(SettingsError, match="development token secret"):
            development.check_exposed_binding(host)
    Settings(jwt_secret="a-real-secret-of-the-county").check_exposed_binding("0.0.0.0")


async def test_a_request_over_its_deadline_answers_timeout(settings, db):
    hurried = dataclasses.replace(settings, request_deadline_seconds=0.000001)
    async with await client_for(hurried) as http:
        body = (await http.post("/graphql", json={"query": "{ permits { totalCount } }"}, headers=registrar())).json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert Settings(request_deadline_seconds=10).statement_timeout == 8


@pytest.mark.postgres
async def test_the_pool_has_a_statement_timeout_and_its_cancel_is_a_timeout(database_url):
    from tortoise import Tortoise

    await init_orm(database_url, statement_timeout=0.2)
    try:
        connection = connections.get("default")
        assert (await connection.execute_query("SHOW statement_timeout"))[1][0]["statement_timeout"] == "200ms"
        with pytest.raises(Exception) as cancelled:
            await connection.execute_query("SELECT pg_sleep(2)")
        assert _cancelled_by_database(cancelled.value)
    finally:
        await Tortoise.close_connections()


@pytest.mark.parametrize(
    "argument",
    [
        'personIdNumber: "0000000000000000000"',  # 19 characters: the column holds 18
        'viewerParty: "X{4!ÏÓÉ茮Þ諰Ò¿¹?÷ab"',
        'viewerParty: "%s"' % ("ß" * 10),  # 10 characters, 20 once upper-cased ("SS")
    ],
)
async def test_access_log_filters_longer_than_their_column_find_nothing(gql, argument):
    # Found by the schema fuzzer (tests/integration/test_fuzz_schema.py): these answered INTERNAL.
    body = (
        await gql.http.post(
            "/graphql",
            json={"query": "{ accessLog(%s) { totalCount } }" % argument},
            headers={"Authorization": f"Bearer {token(Role.SUPERVISOR)}"},
        )
    ).json()
    assert body == {"data": {"accessLog": {"totalCount": 0}}}, body


async def test_a_nul_character_finds_nothing_in_a_lookup_and_is_invalid_input_in_a_mutation(gql):
    # Found by the schema fuzzer on PostgreSQL, whose text cannot hold U+0000: these answered INTERNAL.
    headers = registrar()
    body = (
        await gql.http.post(
            "/graphql",
            json={"query": '{ property(unitCode: "\\u0000") { status } party(idNumber: "a\\u0000") { name } }'},
            headers=headers,
        )
    ).json()
    assert body == {"data": {"property": None, "party": None}}, body
    mutation = (
        "mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { "
        "party { id } userErrors { code field } } }"
    )
    body = (
        await gql.http.post(
            "/graphql",
            json={"query": mutation, "variables": {"input": {"name": "新园\x00置业", "idNumber": ids.DEVELOPER}}},
            headers=headers,
        )
    ).json()
    assert body["data"]["registerOrganization"] == {
        "party": None,
        "userErrors": [{"code": "INVALID_INPUT", "field": ["input", "name"]}],
    }, body
