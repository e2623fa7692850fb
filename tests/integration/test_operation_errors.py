"""Malformed and invalid operations get GraphQL errors, the first time and from the cache."""

from __future__ import annotations

import pytest

from domain.enums import Role
from tests.support import token


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        ("{ viewer { role ", "Syntax Error", "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { nosuchfield } }", "Cannot query field 'nosuchfield'", "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($id: ID!) { contract(id: $id) { id } } query { viewer { role } }",
            "must be the only defined operation",
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ],
)
async def test_a_bad_operation_is_answered_with_its_error_every_time(gql, query, message, code):
    headers = {"Authorization": f"Bearer {token(Role.REGISTRAR)}"}
    for _ in range(2):  # the second answer comes from the parse and validation caches
        response = await gql.http.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        assert message in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"]["code"] == code


async def test_a_good_operation_after_a_bad_one_still_runs(gql):
    await gql.http.post("/graphql", json={"query": "{ viewer { role "})
    body = await gql.execute("{ viewer { role } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # executed, and refused
