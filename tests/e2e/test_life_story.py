"""The whole life of a new home over HTTP against a real server: permit to the buyer's
ownership certificate with a registered mortgage, every actor with their own token."""

from __future__ import annotations

import re

from tests import ids
from tests.story import Life


async def test_from_permit_to_ownership_certificate_with_a_registered_mortgage(server_gql):
    life = await Life(server_gql).setup()
    actors = life.actors
    permit, units = await life.permit_with_units(units=2)
    buyers = {ids.ZHANG_SAN: actors.zhang, ids.LI_SI: actors.li}

    contract, notice = await life.pre_registered(units[0]["id"], buyer_tokens=buyers)
    assert notice["status"] == "COMPLETED"
    mortgage = await life.mortgaged(contract["id"], list(buyers.values()))
    bank_view = await server_gql.data(
        "{ mortgages { edges { node { status registrations { kind rightStatus } } } } }", bearer=actors.bank
    )
    assert bank_view["mortgages"]["edges"][0]["node"]["status"] == "ADVANCE_REGISTERED"

    # The tax bureau assesses; one buyer pays before the first registration, the other after.
    records = await life.assess(contract["id"])
    assert len(records) == 2
    assert (await life.pay(records[0], "豫税-0001"))["taxRecord"]["status"] == "PAID"

    assert [e["code"] for e in (await life.first_registration(permit["id"]))["userErrors"]] == ["NOT_COMPLETED"]
    await life.accept_completion(permit["id"])
    applied = await life.first_registration(permit["id"])
    assert len(applied["registrations"]) == 2 and applied["transfers"] == []

    # The last tax payment applies for the transfer; its fee (登记费), then the mortgage's, is
    # paid and each completes at once: ownership to the buyers, the mortgage registered.
    assert (await life.pay(records[1], "豫税-0002"))["userErrors"] == []
    paid = await life.pay_fees()
    assert [(p["registration"]["kind"], p["registration"]["status"]) for p in paid] == [
        ("TRANSFER", "COMPLETED"),
        ("MORTGAGE", "COMPLETED"),
    ]
    home = await server_gql.data(
        """{ property(unitCode: "%s") { status owners { name }
              registrations(inForce: true) { edges { node { kind number certificate { number kind contentHash } } } }
              mortgages { edges { node { status } } } } }"""
        % units[0]["unitCode"],
        bearer=actors.zhang,
    )
    prop = home["property"]
    assert prop["status"] == "REGISTERED" and [o["name"] for o in prop["owners"]] == ["张三", "李四"]
    in_force = {e["node"]["kind"]: e["node"] for e in prop["registrations"]["edges"]}
    assert set(in_force) == {"TRANSFER", "MORTGAGE"}
    certificate = in_force["TRANSFER"]["certificate"]
    assert certificate["kind"] == "OWNERSHIP_CERTIFICATE" and re.fullmatch(
        r"豫\(\d{4}\)息县不动产权第0000001号", certificate["number"]
    )
    assert prop["mortgages"]["edges"][0]["node"]["status"] == "REGISTERED"

    # Anyone holding the certificate checks it without signing in.
    verified = await server_gql.data(
        (
            "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { "
            "valid certificate { holders { name } } } }"
        ),
        {"n": certificate["number"], "h": certificate["contentHash"]},
    )
    assert verified["verifyCertificate"]["valid"] is True

    # A court seizes the other, unsold home; the bank later discharges the paid-off loan.
    seizure = (await life.seize(units[1]["id"]))["registration"]
    assert (await life.release(seizure["id"]))["userErrors"] == []
    discharged = await life.discharge(mortgage["id"])
    assert discharged["registration"]["mortgage"]["status"] == "DISCHARGED"

    # The tax bureau counts the home once, by ownership; the log verifies.
    homes = await server_gql.data(
        '{ homesOwned(idNumber: "%s", scope: INDIVIDUAL) { count homes { basis } } }' % ids.LI_SI, bearer=actors.tax
    )
    assert homes["homesOwned"] == {"count": 1, "homes": [{"basis": "REGISTERED_OWNERSHIP"}]}
    log = await server_gql.data(
        "{ events(first: 100) { totalCount edges { node { type } } } }", bearer=actors.registrar
    )
    types = [e["node"]["type"] for e in log["events"]["edges"]]
    assert types.count("CERTIFICATE_ISSUED") >= 4 and "COMPLETION_ACCEPTED" in types
