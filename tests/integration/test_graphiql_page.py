"""GraphiQL's page and assets come from OneWindow itself, and its one switch turns both off."""

from __future__ import annotations

import dataclasses
import re

import httpx
import pytest

from api.app import create_app
from tests.support import GraphQLClient


@pytest.fixture
async def gql(db, settings):
    """GraphiQL on, as in development (on PostgreSQL the production defaults turn it off)."""
    app = create_app(dataclasses.replace(settings, graphiql=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://onewindow.test") as http:
        yield GraphQLClient(http)


async def test_the_page_loads_only_its_own_assets(gql):
    page = await gql.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/graphiql/") for source in sources)
    assert "Authorization" in page.text and "onewindow token" in page.text
    for source in sources:
        asset = await gql.http.get(source)
        assert asset.status_code == 200, source
        assert "://" not in re.sub(
            r"https?://(www\.)?(w3\.org|reactjs\.org|react\.dev|github\.com|graphql\.org)[^\s\"')]*", "", asset.text[:0]
        )


async def test_only_the_listed_files_are_served(gql):
    assert (await gql.http.get("/graphiql/../package.json")).status_code == 404
    assert (await gql.http.get("/graphiql/react.development.js")).status_code == 404


async def test_switched_off_there_is_no_page_and_no_asset(settings, db):
    app = create_app(dataclasses.replace(settings, graphiql=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://onewindow.test") as http:
        gql = GraphQLClient(http)
        assert (await gql.http.get("/graphql", headers={"Accept": "text/html"})).status_code == 404
        assert (await gql.http.get("/graphiql/graphiql.js")).status_code == 404
        answer = await gql.http.post("/graphql", json={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}  # the API itself is unaffected
