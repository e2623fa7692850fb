"""Query and request limits (DESIGN §8, issue 11 item 3): each refusal is a coded GraphQL error,
before execution, the first time and from the validation cache."""

from __future__ import annotations

import dataclasses
import time

import httpx
import pytest
from graphql import get_introspection_query

from api.app import create_app
from api.settings import Settings, SettingsError
from domain.enums import Role
from tests.support import GraphQLClient, token


def registrar() -> dict:
    """Minted when sent: a token minted at import would expire before a long run's last tests."""
    return {"Authorization": f"Bearer {token(Role.REGISTRAR)}"}


VERIFY = '{ verifyCertificate(number: "豫(2026)息县不动产权第0000001号", contentHash: "00") { valid reason } }'


async def post(
    gql: GraphQLClient, query: str, headers: dict | None = None, variables: dict | None = None
) -> httpx.Response:
    return await gql.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {})


async def refused_twice(gql: GraphQLClient, query: str, headers: dict | None = None) -> dict:
    """The same answer whether the document's validation comes from the cache or not."""
    answers = []
    for _ in range(2):
        response = await post(gql, query, headers)
        assert response.status_code == 200
        body = response.json()
        assert body.get("data") is None, body
        answers.append(body["errors"][0])
    assert answers[0] == answers[1]
    return answers[0]


def nested(levels: int) -> str:
    return "{ " + "properties { edges { node { permit { " * levels + "number" + " } } } }" * levels + " }"


async def test_a_query_deeper_than_the_limit_is_refused(gql):
    deep = (
        '{ node(id: "x") { ... on PresalePermit { '
        + "properties(first: 1) { edges { node { permit { " * 3
        + "number"
        + " } } } }" * 3
        + " } } }"
    )
    error = await refused_twice(gql, deep, registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "depth", "max": 10}


async def test_more_aliases_than_the_limit_are_refused(gql):
    fifteen = "{ " + " ".join(f"a{n}: viewer {{ role }}" for n in range(15)) + " }"
    assert (await post(gql, fifteen, registrar())).json()["data"]["a14"] == {"role": "REGISTRAR"}
    sixteen = "{ " + " ".join(f"a{n}: viewer {{ role }}" for n in range(16)) + " }"
    error = await refused_twice(gql, sixteen, registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "aliases", "max": 15}


async def test_more_aliases_than_the_limit_are_refused_before_parsing(gql):
    forty = "query A { " + " ".join(
        f"a{n}: properties {{ edges {{ node {{ history {{ totalCount }} }} }} }}" for n in range(40)
    )
    error = await refused_twice(gql, forty + " }", registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "aliases", "max": 15}
    # The parser never ran: what follows would have been its syntax error.
    error = await refused_twice(gql, forty + " } query B { viewer { role !!! } }", registrar())
    assert error["extensions"]["limit"] == "aliases"
    # Through a fragment the count is the limiter's, after parsing.
    spread = (
        "{ "
        + " ".join(f"a{n}: viewer {{ role }}" for n in range(8))
        + " ...F } fragment F on Query { "
        + " ".join(f"b{n}: viewer {{ role }}" for n in range(8))
        + " }"
    )
    error = await refused_twice(gql, spread, registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "aliases", "max": 15}
    assert error["message"] == "16 aliases found. Allowed: 15"


async def test_more_tokens_than_the_limit_are_refused_while_parsing(gql):
    many = "{ viewer { " + "role " * 2000 + "} }"
    error = await refused_twice(gql, many, registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "tokens", "max": 2000}


async def test_connections_multiply_the_cost_of_what_they_select(gql):
    # 100 properties, each its permit's 100 properties: 10,000 rows asked for.
    costly = (
        "{ properties(first: 100) { edges { node { permit { properties(first: 100) { edges { node "
        "{ unitCode address } } } } } } } }"
    )
    error = await refused_twice(gql, costly, registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "cost", "max": 5000}
    # Without `first`, a connection counts the default page (20): 20 × 20 × 4 fits.
    fits = "{ properties { edges { node { permit { properties { edges { node { unitCode } } } } } } } }"
    assert (await post(gql, fits, registrar())).json() == {"data": {"properties": {"edges": []}}}
    # A variable page size counts as the largest page.
    by_variable = (
        "query($n: Int) { properties(first: $n) { edges { node { permit { properties(first: $n) "
        "{ edges { node { unitCode } } } } } } } }"
    )
    error = (await post(gql, by_variable, registrar(), {"n": 2})).json()["errors"][0]
    assert error["extensions"]["limit"] == "cost"


async def test_fragments_that_multiply_each_other_are_refused_quickly(gql):
    # Each fragment spreads the next twelve times: 12^9 fields once expanded.
    fragments = " ".join(
        f"fragment F{n} on Viewer {{ " + (f"...F{n + 1} " * 12 if n < 9 else "role ") + "}" for n in range(10)
    )
    started = time.perf_counter()
    error = await refused_twice(gql, "{ viewer { ...F0 } } " + fragments, registrar())
    assert error["extensions"]["limit"] == "cost"
    assert time.perf_counter() - started < 2


async def test_graphiql_introspection_and_the_queries_of_clients_pass(settings, db):
    # Introspection on, as in development (on PostgreSQL it is off unless asked for).
    app = create_app(dataclasses.replace(settings, introspection=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        gql = GraphQLClient(http)
        body = (await post(gql, get_introspection_query(descriptions=True))).json()  # anonymous, as GraphiQL loads
        assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
        body = (await post(gql, "{ viewer { role } }", registrar())).json()
        assert body == {"data": {"viewer": {"role": "REGISTRAR"}}}


async def test_limits_are_settings(monkeypatch, settings, db):
    monkeypatch.setenv("ONEWINDOW_MAX_DEPTH", "2")
    monkeypatch.setenv("ONEWINDOW_MAX_ALIASES", "1")
    monkeypatch.setenv("ONEWINDOW_MAX_COST", "3")
    monkeypatch.setenv("ONEWINDOW_MAX_TOKENS", "0")
    limits = Settings.from_env().query_limits()
    assert (limits.max_depth, limits.max_aliases, limits.max_cost, limits.max_tokens) == (2, 1, 3, 0)
    strict = dataclasses.replace(settings, max_depth=2, max_aliases=1, max_cost=10)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(strict)), base_url="http://t") as http:
        client = GraphQLClient(http)
        assert (await refused_twice(client, "{ a: viewer { role } b: viewer { role } }", registrar()))["extensions"][
            "limit"
        ] == "aliases"
        assert (await refused_twice(client, "{ permits { edges { node { number } } } }", registrar()))["extensions"][
            "limit"
        ] == "cost"
        assert (await refused_twice(client, "{ permits(first: 1) { edges { node { number } } } }", registrar()))[
            "extensions"
        ]["limit"] == "depth"
        assert (await post(client, "{ viewer { role } }", registrar())).json()["data"] == {
            "viewer": {"role": "REGISTRAR"}
        }
    monkeypatch.setenv("ONEWINDOW_MAX_DEPTH", "deep")
    with pytest.raises(SettingsError, match="ONEWINDOW_MAX_DEPTH"):
        Settings.from_env()


async def test_a_body_over_the_limit_is_refused_with_413(gql):
    padding = "#" + "x" * 9000 + "\n"
    anonymous = await gql.http.post("/graphql", json={"query": padding + VERIFY})
    assert anonymous.status_code == 413
    assert anonymous.json()["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE", "limit": 8192}
    # An invalid token is no token: the small limit applies.
    forged = await gql.http.post(
        "/graphql", json={"query": padding + VERIFY}, headers={"Authorization": "Bearer x.y.z"}
    )
    assert forged.status_code == 413
    signed_in = await gql.http.post("/graphql", json={"query": padding + "{ viewer { role } }"}, headers=registrar())
    assert signed_in.json() == {"data": {"viewer": {"role": "REGISTRAR"}}}
    huge = await gql.http.post(
        "/graphql", json={"query": "{ viewer { role } }", "variables": {"x": "y" * 1_100_000}}, headers=registrar()
    )
    assert huge.status_code == 413
    assert huge.json()["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE", "limit": 1_048_576}
    long_get = await gql.http.get("/graphql", params={"query": padding + VERIFY})
    assert long_get.status_code == 413


async def test_without_a_token_only_the_public_fields_are_validated(gql):
    for query in (
        "{ viewer { role } }",
        "{ viewer { nosuchfield } }",
        "mutation { nosuchmutation }",
        "query { ...F } fragment F on Query { permits { totalCount } }",
    ):
        error = await refused_twice(gql, query)
        assert error["extensions"]["code"] == "UNAUTHENTICATED", query
    body = (await post(gql, VERIFY)).json()
    assert body["data"]["verifyCertificate"]["valid"] is False


async def test_an_expired_token_is_that_requests_reason_only(gql):
    expired = {"Authorization": f"Bearer {token(Role.TAX, ttl=-10)}"}
    error = await refused_twice(gql, "{ viewer { role } }", expired)
    assert error["message"] == "the token has expired"
    # The next request without a token is not told about another request's token.
    error = (await post(gql, "{ permits { totalCount } }")).json()["errors"][0]
    assert error["message"].startswith("sign in first") and error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_field_repeated_past_reason_is_refused_before_the_quadratic_rule(gql):
    # graphql-core compares every pair of same-named fields: 990 of them took it 0.25 s.
    started = time.perf_counter()
    error = await refused_twice(gql, "{ viewer { " + "role " * 990 + "} }", registrar())
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "repeats", "max": 25}
    through_fragments = (
        "{ viewer { ...A ...B } } fragment A on Viewer { "
        + "role " * 15
        + "} fragment B on Viewer { "
        + "role " * 15
        + "}"
    )
    assert (await refused_twice(gql, through_fragments, registrar()))["extensions"]["limit"] == "repeats"
    assert time.perf_counter() - started < 2
    assert (await post(gql, "{ viewer { role role } }", registrar())).json() == {
        "data": {"viewer": {"role": "REGISTRAR"}}
    }


async def test_a_spread_of_an_unknown_fragment_is_a_validation_error(gql):
    error = await refused_twice(gql, "{ viewer { ...Missing } }", registrar())
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "Missing" in error["message"]
