"""A home's second life over HTTP against a real server (issue 14): a new home sold to 张三 and
李四 (60 % / 40 %) and registered, then resold by both to 王五 with an escrow, the sellers'
and buyer's taxes paid and the transfer registered; each step checked against the register,
the certificates, both families' homes and the property's history."""

from __future__ import annotations

from tests import ids
from tests.resale import Resale, held_since

HOMES = "query($n: String!) { homesOwned(idNumber: $n, scope: FAMILY) { count } }"
HOME = """query($u: String!) { property(unitCode: $u) { status owners { idNumber }
  registrations(inForce: true) { edges { node { kind } } } } }"""


async def test_a_registered_home_resold_and_transferred(server_gql, db):
    life = await Resale(server_gql).setup()
    actors = life.actors

    async def homes(number: str) -> int:
        return (await server_gql.data(HOMES, {"n": number}, bearer=actors.tax))["homesOwned"]["count"]

    async def home() -> dict:
        return (await server_gql.data(HOME, {"u": unit["unitCode"]}, bearer=actors.registrar))["property"]

    # First life: the new home, sold, first-registered and transferred to its buyers.
    unit, _, first_transfer = await life.registered_home(
        buyer_tokens={ids.ZHANG_SAN: actors.zhang, ids.LI_SI: actors.li},
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.6"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
        ],
    )
    assert (await home())["owners"] == [{"idNumber": ids.ZHANG_SAN}, {"idNumber": ids.LI_SI}]
    assert (await life.verify(first_transfer["certificate"]))["status"] == "CURRENT"
    assert (await homes(ids.ZHANG_SAN), await homes(ids.LI_SI), await homes(ids.WANG_WU)) == (1, 1, 0)
    await held_since(first_transfer["id"], 3)  # test setup (db): held three years, so VAT exempt

    # Second life: the owners resell to 王五, the price in escrow at the bank.
    contract = await life.signed_resale(
        unit["id"],
        [actors.zhang, actors.li],
        {ids.WANG_WU: actors.wang},
        escrow=(ids.BANK, "1000000.00"),
    )
    assert (contract["kind"], [s["idNumber"] for s in contract["sellers"]]) == ("RESALE", [ids.ZHANG_SAN, ids.LI_SI])
    assert [e["code"] for e in (await life.file_resale(contract["id"], actors.zhang))["userErrors"]] == [
        "FUNDS_NOT_DEPOSITED"
    ]
    assert (await life.deposit(contract["id"], "RESALE_ESCROW", "1000000.00", "ESC-0001"))["userErrors"] == []
    filed = await life.file_resale(contract["id"], actors.zhang)
    assert filed["userErrors"] == [] and filed["contract"]["status"] == "FILED"
    # The buyer's filed contract counts as a home; the sellers still hold theirs.
    assert (await homes(ids.ZHANG_SAN), await homes(ids.WANG_WU)) == (1, 1)

    # Every seller and the buyer sign the transfer; the taxes are not paid yet: it waits.
    registration = (await life.apply_transfer(contract["id"], actors.wang))["registration"]
    for bearer in (actors.zhang, actors.li, actors.wang):
        signed = await life.sign_transfer(registration, bearer)
        assert signed["userErrors"] == [], signed
    assert signed["registration"]["status"] == "SUBMITTED"

    sellers = (await life.seller_taxes(contract["id"]))["taxRecords"]
    amounts = {(r["taxpayer"]["idNumber"], r["kind"]): r["amount"] for r in sellers}
    assert amounts == {
        (ids.ZHANG_SAN, "VAT"): "0.00",
        (ids.ZHANG_SAN, "INDIVIDUAL_INCOME_TAX"): "6000.00",
        (ids.LI_SI, "VAT"): "0.00",
        (ids.LI_SI, "INDIVIDUAL_INCOME_TAX"): "4000.00",
    }
    await life.pay_records(sellers)
    assert (await home())["owners"] == [{"idNumber": ids.ZHANG_SAN}, {"idNumber": ids.LI_SI}]
    # The buyer's deed tax is the last payment: the transfer completes with it.
    await life.pay_records(await life.assess(contract["id"]))

    after = await home()
    assert after["status"] == "REGISTERED" and after["owners"] == [{"idNumber": ids.WANG_WU}]
    assert [e["node"]["kind"] for e in after["registrations"]["edges"]] == ["TRANSFER"]
    assert (await homes(ids.ZHANG_SAN), await homes(ids.LI_SI), await homes(ids.WANG_WU)) == (0, 0, 1)
    old = await life.verify(first_transfer["certificate"])
    assert (old["valid"], old["status"]) == (True, "SUPERSEDED")
    done = await server_gql.data(
        "query($n: ID!) { node(id: $n) { ... on Registration { status certificate { kind number contentHash } } } }",
        {"n": registration["id"]},
        bearer=actors.wang,
    )
    new = done["node"]["certificate"]
    assert done["node"]["status"] == "COMPLETED" and new["kind"] == "OWNERSHIP_CERTIFICATE"
    assert (await life.verify(new))["status"] == "CURRENT"
    assert (await life.verify(first_transfer["certificate"], bearer=actors.zhang))["supersededBy"] == {
        "number": new["number"]
    }

    # The home's file tells both lives in order.
    types = [e["type"] for e in await life.history(unit["unitCode"])]
    resale_part = types[types.index("CONTRACT_DRAFTED", types.index("CERTIFICATE_ISSUED")) :]
    assert resale_part[0] == "CONTRACT_DRAFTED"
    assert "FUNDS_DEPOSITED" in resale_part and "CONTRACT_FILED" in resale_part
    assert resale_part[-3:] == ["TAX_PAID", "REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED"]
    # The sellers follow their sale in the events they receive.
    seller_events = await server_gql.data("{ events(first: 200) { edges { node { type } } } }", bearer=actors.li)
    assert "REGISTRATION_COMPLETED" in [e["node"]["type"] for e in seller_events["events"]["edges"]]
