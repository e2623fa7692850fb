"""Fixtures every mutation test starts from: a sale driver with organisations registered, one unit."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from api.app import create_app
from tests.story import Sale
from tests.support import GraphQLClient


@pytest.fixture
async def sale(gql):
    return await Sale(gql).setup()


@pytest.fixture
async def unit(sale):
    """One available unit on a fresh permit of the developer."""
    _, units = await sale.permit_with_units()
    return units[0]


@pytest.fixture
async def strict_gql(db, settings):
    """GraphQL to an app whose county requires a shared population record for an instant
    approval (ONEWINDOW_SHARED_RECORD_REQUIRED=true)."""
    strict = replace(settings, policy=replace(settings.policy, shared_record_required=True))
    transport = httpx.ASGITransport(app=create_app(strict))
    async with httpx.AsyncClient(transport=transport, base_url="http://onewindow.test") as http:
        yield GraphQLClient(http)


def error_fields(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


def error_codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]
