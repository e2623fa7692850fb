"""The protocol with the reference JavaScript client, graphql-ws (run when node and the package are there)."""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest

from tests import ids
from tests.story import Life
from tests.support import ROOT

CLIENT = ROOT / "clients" / "js"
QUERY = "subscription { contractFiled { cursor type contract { number lender { idNumber } } } }"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (CLIENT / "node_modules" / "graphql-ws").exists(),
    reason="needs node and `npm install` in clients/js (the Makefile's install does it)",
)


async def test_a_bank_subscribes_with_graphql_ws(server, server_gql):
    life = await Life(server_gql).setup()
    _, units = await life.permit_with_units(units=2)
    process = await asyncio.create_subprocess_exec(
        "node",
        str(CLIENT / "subscribe.mjs"),
        server.url.replace("http", "ws") + "/graphql",
        life.actors.bank,
        QUERY,
        "1",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=CLIENT,
    )
    assert (await asyncio.wait_for(process.stderr.readline(), 10)).strip() == b"subscribed"
    await asyncio.sleep(0.5)
    await life.filed_contract(units[0]["id"], lender=ids.OTHER_BANK)  # not this bank's
    mine, _ = await life.filed_contract(units[1]["id"], lender=ids.BANK)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    [line] = stdout.decode().splitlines()
    event = json.loads(line)["contractFiled"]
    assert event["type"] == "CONTRACT_FILED"
    assert event["contract"] == {"number": mine["number"], "lender": {"idNumber": ids.BANK}}
