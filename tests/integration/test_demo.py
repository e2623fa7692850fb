"""`onewindow demo`: a county in every state a home can be in, made through the API; twice is once."""

from __future__ import annotations

import httpx
import pytest
from tortoise import Tortoise, connections

from api.app import create_app
from api.demo import ORGANIZATIONS, PERMITS, County, DemoError, load
from domain.models import APP_LABEL


async def _snapshot() -> dict[str, list]:
    """Every row of every table, in key order."""
    client = connections.get("default")
    tables = sorted({model._meta.db_table for model in Tortoise.apps[APP_LABEL].values()} | {"event_log_head"})
    snapshot = {}
    for table in tables:
        _, rows = await client.execute_query(f"SELECT * FROM {table}")
        snapshot[table] = sorted(tuple(str(v) for v in dict(row).values()) for row in rows)
    return snapshot


async def _count(sql: str) -> dict:
    _, rows = await connections.get("default").execute_query(sql)
    return {key: value for key, value, *_ in (dict(r).values() for r in rows)}


async def test_the_demo_county_has_every_state_and_a_second_run_changes_nothing(gql, settings):
    outcome, county = await load(settings)
    assert outcome == "loaded"
    homes = await _count("SELECT status, COUNT(*) FROM property GROUP BY status")
    assert homes == {"AVAILABLE": 10, "SOLD": 6, "PRE_REGISTERED": 10, "REGISTERED": 24}
    assert sum(homes.values()) == sum(units for *_, units in PERMITS) == 50
    in_force = await _count("SELECT kind, COUNT(*) FROM registration WHERE right_status = 'IN_FORCE' GROUP BY kind")
    assert in_force["MORTGAGE"] == 8 and in_force["ADVANCE_MORTGAGE"] == 4  # mortgaged: registered and in advance
    assert in_force["SEIZURE"] == 4 and in_force["TRANSFER"] == 20 and in_force["ADVANCE_NOTICE"] == 10
    people = await _count("SELECT marital_status, COUNT(*) FROM shared_person GROUP BY marital_status")
    assert people["MARRIED"] > 0 and people["SINGLE"] > 0

    # A token for each actor, each accepted by the API as that actor.
    labels = set(county.tokens)
    assert {"REGISTRAR", "HOUSING", "TAX"} <= labels
    assert sum(label.startswith("BANK ") for label in labels) == 2
    assert sum(label.startswith("DEVELOPER ") for label in labels) == 2
    assert sum(label.startswith("BUYER ") for label in labels) > 30
    for label, bearer in county.tokens.items():
        data = await gql.data("{ viewer { role } }", bearer=bearer)
        assert data["viewer"]["role"] == label.split()[0]

    before = await _snapshot()
    again, second = await load(settings)
    assert again == "already there"
    assert await _snapshot() == before
    assert set(second.tokens) == labels


async def test_the_demo_refuses_a_database_with_only_part_of_it(db, settings):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://t") as http:
        county = County(http, settings)
        for id_number, name in ORGANIZATIONS:
            await county.mutate(
                "registerOrganization", {"name": name, "idNumber": id_number}, "party { id }", county.registrar
            )
        number, developer, project, _units = PERMITS[0]
        await county.permit(number, developer, project, 2, 1)
    with pytest.raises(DemoError, match="part of the demo county"):
        await load(settings)
