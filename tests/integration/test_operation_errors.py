"""Malformed and invalid operations get GraphQL errors, the first time and from the cache."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("query", "message"), [
    ("{ viewer { role ", "Syntax Error"),
    ("{ viewer { nosuchfield } }", "Cannot query field 'nosuchfield'"),
    ("query($id: ID!) { contract(id: $id) { id } } query { viewer { role } }", "must be the only defined operation"),
])
async def test_a_bad_operation_is_answered_with_its_error_every_time(gql, query, message):
    for _ in range(2):  # the second answer comes from the parse and validation caches
        response = await gql.http.post("/graphql", json={"query": query})
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        assert message in body["errors"][0]["message"]


async def test_a_good_operation_after_a_bad_one_still_runs(gql):
    await gql.http.post("/graphql", json={"query": "{ viewer { role "})
    body = await gql.execute("{ viewer { role } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # executed, and refused
