"""The whole sale over HTTP against a real server, every actor with its own token."""

from __future__ import annotations

import re

from tests import ids
from tests.story import Sale


async def test_the_whole_sale_story_with_every_actor(server_gql):
    sale = await Sale(server_gql).setup()
    actors = sale.actors

    # Housing issues permits to two developers.
    permit, units = await sale.permit_with_units(units=2)
    other = await sale.issue_permit(number="淮预售字(2026)第009号", units=1, developer=ids.OTHER_DEVELOPER)
    assert other["userErrors"] == []

    # One developer cannot see another's permits.
    mine = await server_gql.data("{ permits { edges { node { number } } } }", bearer=actors.developer)
    assert [e["node"]["number"] for e in mine["permits"]["edges"]] == [permit["number"]]
    hidden = await server_gql.data('{ permit(number: "淮预售字(2026)第009号") { id } }', bearer=actors.developer)
    assert hidden["permit"] is None

    # Two buyers, explicit shares; both sign by face, the developer by CA; the bank pushes the money.
    buyers = {ids.ZHANG_SAN: actors.zhang, ids.LI_SI: actors.li}
    contract = await sale.signed_contract(
        units[0]["id"],
        buyer_tokens=buyers,
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.5"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.5"},
        ],
    )
    assert contract["status"] == "SIGNED"
    # Filing before the money arrives is refused.
    early = await sale.file(contract["id"])
    assert [e["code"] for e in early["userErrors"]] == ["FUNDS_NOT_DEPOSITED"]
    assert (await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "300000.00", "XX-001"))["userErrors"] == []
    unpaid = await sale.file(contract["id"])
    assert [e["code"] for e in unpaid["userErrors"]] == ["MAINTENANCE_FUND_UNPAID"]
    assert (await sale.deposit(contract["id"], "MAINTENANCE", "7160.00", "XX-002", bearer=actors.housing))[
        "userErrors"
    ] == []

    # A second buyer races for the same home with a complete contract of their own.
    rival = await sale.funded_contract(units[0]["id"], buyer_tokens={ids.WANG_WU: actors.wang}, reference="RIVAL")
    filed = await sale.file(contract["id"])
    assert filed["userErrors"] == []
    assert re.fullmatch(r"411528-\d{4}-0000001", filed["contract"]["number"])
    lost = await sale.file(rival["id"], bearer=actors.housing)
    assert [e["code"] for e in lost["userErrors"]] == ["ALREADY_SOLD"]

    # A buyer sees their own contract, not another buyer's.
    wang_view = await server_gql.data("{ contracts { edges { node { status } } } }", bearer=actors.wang)
    assert [e["node"]["status"] for e in wang_view["contracts"]["edges"]] == ["SIGNED"]
    zhang_view = await server_gql.data(
        '{ contract(number: "%s") { number buyers { party { idNumber } } } }' % filed["contract"]["number"],
        bearer=actors.zhang,
    )
    assert [b["party"]["idNumber"] for b in zhang_view["contract"]["buyers"]] == [ids.ZHANG_SAN, ids.LI_SI]
    assert (
        await server_gql.data('{ contract(number: "%s") { number } }' % filed["contract"]["number"], bearer=actors.wang)
    )["contract"] is None

    # Advance notice: both buyers answer and sign; the second gets the instant decision.
    registration = filed["advanceRegistration"]
    await sale.submit(registration["id"], actors.zhang)
    decided = (await sale.submit(registration["id"], actors.li))["registration"]
    assert (decided["status"], decided["decidedBy"], decided["property"]["status"]) == (
        "COMPLETED",
        "SYSTEM",
        "PRE_REGISTERED",
    )

    # The proof verifies; a forged hash does not.
    cert = decided["certificate"]
    query = "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { valid } }"
    assert (await server_gql.data(query, {"n": cert["number"], "h": cert["contentHash"]}))["verifyCertificate"][
        "valid"
    ] is True
    assert (await server_gql.data(query, {"n": cert["number"], "h": "0" * 64}))["verifyCertificate"]["valid"] is False

    # Cancelling is refused while the advance notice stands.
    assert [e["code"] for e in (await sale.cancel(filed["contract"]["id"]))["userErrors"]] == ["ENCUMBERED"]

    # Another home: filed, cancelled by housing, then sold to someone else.
    second, _ = await sale.filed_contract(units[1]["id"], buyer_tokens={ids.WANG_WU: actors.wang})
    assert (await sale.cancel(second["id"]))["contract"]["property"]["status"] == "AVAILABLE"
    resold, _ = await sale.filed_contract(units[1]["id"], buyer_tokens={ids.ZHANG_SAN: actors.zhang})
    assert resold["status"] == "FILED"

    # The property file and the log tell the same story.
    history = await server_gql.data(
        (
            '{ property(unitCode: "%s") { status registrations(inForce: true) { edges { node { '
            "kind } } } history(first: 100) { edges { node { type } } } } }"
        )
        % units[0]["unitCode"],
        bearer=actors.registrar,
    )
    prop = history["property"]
    assert [e["node"]["kind"] for e in prop["registrations"]["edges"]] == ["ADVANCE_NOTICE"]
    types = [e["node"]["type"] for e in prop["history"]["edges"]]
    assert types.count("CONTRACT_FILED") == 1 and types[-2:] == ["REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED"]
