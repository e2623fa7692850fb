"""Fixtures every mutation test starts from: a sale driver with organisations registered, one unit."""

from __future__ import annotations

import pytest

from tests.story import Sale


@pytest.fixture
async def sale(gql):
    return await Sale(gql).setup()


@pytest.fixture
async def unit(sale):
    """One available unit on a fresh permit of the developer."""
    _, units = await sale.permit_with_units()
    return units[0]


def error_fields(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


def error_codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]
