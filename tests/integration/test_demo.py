"""`onewindow demo`: a county in every state a home can be in, made through the API; twice is once."""

from __future__ import annotations

import httpx
import pytest
from tortoise import Tortoise, connections

from api.app import create_app
from api.demo import BANK, ORGANIZATIONS, OTHER_BANK, PERMITS, PROVIDENT_FUND, County, DemoError, load
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
    assert homes == {"AVAILABLE": 8, "SOLD": 7, "PRE_REGISTERED": 11, "REGISTERED": 24}
    assert sum(homes.values()) == sum(units for *_, units in PERMITS) == 50
    in_force = await _count("SELECT kind, COUNT(*) FROM registration WHERE right_status = 'IN_FORCE' GROUP BY kind")
    # Mortgaged: 8 new homes, a combined loan's 2, a registered home's 2, a resale's new loan; 4 in advance.
    assert in_force["MORTGAGE"] == 13 and in_force["ADVANCE_MORTGAGE"] == 4
    assert in_force["SEIZURE"] == 4 and in_force["TRANSFER"] == 21 and in_force["ADVANCE_NOTICE"] == 11
    people = await _count("SELECT marital_status, COUNT(*) FROM shared_person GROUP BY marital_status")
    assert people["MARRIED"] > 0 and people["SINGLE"] > 0

    await _issue_13_states_as_their_users_see_them(gql, county)
    await _issue_14_states_as_their_users_see_them(gql, county)

    # A token for each actor, each accepted by the API as that actor.
    labels = set(county.tokens)
    assert {"REGISTRAR", "HOUSING", "TAX"} <= labels
    assert sum(label.startswith("BANK ") for label in labels) == 2
    assert sum(label.startswith("PROVIDENT_FUND ") for label in labels) == 1
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


async def _registrations(gql, county, kind: str | None = None, status: str | None = None) -> list[dict]:
    data = await gql.data(
        """query($kind: RegistrationKind, $status: RegistrationStatus) {
             registrations(first: 100, filter: {kind: $kind, status: $status}) { edges { node {
               id kind status rightStatus lawsuitCaseNumber property { id status }
               checks { rule passed } inquiry { answer }
               cancels { kind rightStatus certificate { number contentHash status } }
               convertedTo { kind rightStatus certificate { number } }
               certificate { number contentHash status } } } } }""",
        {"kind": kind, "status": status},
        bearer=county.registrar,
    )
    return [e["node"] for e in data["registrations"]["edges"]]


async def _verify(gql, certificate: dict, bearer: str | None = None) -> dict:
    """As anyone holding the certificate checks it, without signing in (or as `bearer`)."""
    data = await gql.data(
        """query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) {
             valid status supersededBy { number } } }""",
        {"n": certificate["number"], "h": certificate["contentHash"]},
        bearer=bearer,
    )
    return data["verifyCertificate"]


async def _issue_13_states_as_their_users_see_them(gql, county) -> None:
    # The registrar's queue: an advance notice whose buyer answered "no" to the inquiry.
    [review] = await _registrations(gql, county, status="IN_REVIEW")
    assert (review["kind"], review["rightStatus"], review["property"]["status"]) == (
        "ADVANCE_NOTICE",
        "PENDING",
        "SOLD",
    )
    assert [c["rule"] for c in review["checks"] if not c["passed"]] == ["INQUIRY_ACCEPTED"]
    assert sorted(a["answer"] for a in review["inquiry"]) == [False, True]

    # A withdrawn sale: the contract cancelled and its deposits refunded, the home sold again.
    withdrawn = await gql.data(
        """{ contracts(first: 10, filter: {status: CANCELLED}) { edges { node {
             refundDue refunds { amount } property { id status } } } } }""",
        bearer=county.housing,
    )
    [contract] = [e["node"] for e in withdrawn["contracts"]["edges"]]
    assert contract["refundDue"] == "0.00" and len(contract["refunds"]) == 1
    assert contract["refunds"][0]["amount"] != "0.00"
    assert contract["property"]["status"] == "PRE_REGISTERED"
    notices = [
        (r["rightStatus"], r["status"])
        for r in await _registrations(gql, county, kind="ADVANCE_NOTICE")
        if r["property"]["id"] == contract["property"]["id"]
    ]
    assert sorted(notices) == [("HISTORIC", "COMPLETED"), ("IN_FORCE", "COMPLETED")]

    # Two cancellations, each done and its right's certificate CANCELLED, still valid as issued.
    cancellations = await _registrations(gql, county, kind="CANCELLATION")
    assert sorted((c["status"], c["cancels"]["kind"], c["cancels"]["rightStatus"]) for c in cancellations) == [
        ("COMPLETED", "ADVANCE_NOTICE", "HISTORIC"),
        ("COMPLETED", "OBJECTION", "HISTORIC"),
    ]
    for cancellation in cancellations:
        assert cancellation["cancels"]["certificate"]["status"] == "CANCELLED"
        assert await _verify(gql, cancellation["cancels"]["certificate"]) == {
            "valid": True,
            "status": "CANCELLED",
            "supersededBy": None,
        }

    # Objections: one in force, kept by a lawsuit; one ended by a cancellation.
    objections = await _registrations(gql, county, kind="OBJECTION")
    assert sorted((o["rightStatus"], o["lawsuitCaseNumber"] is not None) for o in objections) == [
        ("HISTORIC", False),
        ("IN_FORCE", True),
    ]

    # A corrected home: the correction approved, the old ownership HISTORIC and its certificate SUPERSEDED.
    [correction] = await _registrations(gql, county, kind="CORRECTION")
    assert correction["status"] == "COMPLETED"
    [old] = [
        t
        for t in await _registrations(gql, county, kind="TRANSFER")
        if t["rightStatus"] == "HISTORIC" and t["property"]["id"] == correction["property"]["id"]
    ]
    assert old["certificate"]["status"] == "SUPERSEDED" and old["convertedTo"]["rightStatus"] == "IN_FORCE"
    anonymous = await _verify(gql, old["certificate"])
    assert (anonymous["valid"], anonymous["status"]) == (True, "SUPERSEDED")
    assert (await _verify(gql, old["certificate"], bearer=county.registrar))["supersededBy"] == {
        "number": old["convertedTo"]["certificate"]["number"]
    }


HOME = """query($id: ID!) { node(id: $id) { ... on Property { status owners { idNumber }
  registrations(first: 50) { edges { node { kind status rightStatus priority certificate { status } } } } } } }"""
MORTGAGES = """{ mortgages(first: 100) { edges { node {
  id status priority principal property { id } contract { id kind paymentMethod }
  registrations { kind rightStatus priority } } } } }"""


async def _mortgages(gql, bearer: str) -> list[dict]:
    """A lender's own loans, as its staff list them."""
    return [e["node"] for e in (await gql.data(MORTGAGES, bearer=bearer))["mortgages"]["edges"]]


async def _home(gql, county, property_id: str) -> dict:
    return (await gql.data(HOME, {"id": property_id}, bearer=county.registrar))["node"]


def _rights(home: dict, kind: str) -> list[tuple]:
    return sorted(
        (r["rightStatus"], r["status"], r["priority"], (r["certificate"] or {}).get("status"))
        for r in (e["node"] for e in home["registrations"]["edges"])
        if r["kind"] == kind
    )


async def _issue_14_states_as_their_users_see_them(gql, county) -> None:
    bank, other_bank = county.organization(BANK), county.organization(OTHER_BANK)
    fund = county.organization(PROVIDENT_FUND)

    # Two resales filed and transferred, each with the buyer's deed tax and the sellers' taxes paid.
    filed = await gql.data(
        """{ contracts(first: 100, filter: {status: FILED}) { edges { node {
             id kind paymentMethod buyers { party { idNumber } } property { id }
             taxRecords { kind amount status } } } } }""",
        bearer=county.housing,
    )
    resales = [e["node"] for e in filed["contracts"]["edges"] if e["node"]["kind"] == "RESALE"]
    assert sorted(r["paymentMethod"] for r in resales) == ["COMMERCIAL_LOAN", "FULL_PAYMENT"]
    for resale in resales:
        kinds = {t["kind"] for t in resale["taxRecords"]}
        assert "DEED_TAX" in kinds and len(kinds) > 1  # the buyer's deed tax and the sellers' taxes
        assert all(t["status"] == "PAID" or t["amount"] == "0.00" for t in resale["taxRecords"])
        home = await _home(gql, county, resale["property"]["id"])
        assert home["status"] == "REGISTERED"
        assert sorted(o["idNumber"] for o in home["owners"]) == sorted(b["party"]["idNumber"] for b in resale["buyers"])
        # The buyers' transfer completed and in force; the sellers' HISTORIC, its certificate SUPERSEDED.
        assert _rights(home, "TRANSFER") == [
            ("HISTORIC", "COMPLETED", None, "SUPERSEDED"),
            ("IN_FORCE", "COMPLETED", None, "CURRENT"),
        ]
    [plain] = [r for r in resales if r["paymentMethod"] == "FULL_PAYMENT"]
    assert _rights(await _home(gql, county, plain["property"]["id"]), "MORTGAGE") == []

    # 带押过户: the bank consented, its mortgage stays first; the buyer's loan from the other bank is second.
    [with_loan] = [r for r in resales if r["paymentMethod"] == "COMMERCIAL_LOAN"]
    on_it = with_loan["property"]["id"]
    [kept] = [m for m in await _mortgages(gql, bank) if m["property"]["id"] == on_it]
    [new] = [m for m in await _mortgages(gql, other_bank) if m["property"]["id"] == on_it]
    assert (kept["status"], kept["priority"], kept["contract"]["kind"]) == ("REGISTERED", 1, "NEW_HOME")
    assert (new["status"], new["priority"], new["contract"]["id"]) == ("REGISTERED", 2, with_loan["id"])
    assert [(r["kind"], r["rightStatus"], r["priority"]) for r in new["registrations"]] == [("MORTGAGE", "IN_FORCE", 2)]
    assert [s[:3] for s in _rights(await _home(gql, county, on_it), "MORTGAGE")] == [
        ("IN_FORCE", "COMPLETED", 1),
        ("IN_FORCE", "COMPLETED", 2),
    ]

    # A registered home mortgaged by its owners (no contract): the bank's first, the other bank's second.
    [first] = [m for m in await _mortgages(gql, bank) if m["contract"] is None]
    [second] = [m for m in await _mortgages(gql, other_bank) if m["contract"] is None]
    assert first["property"]["id"] == second["property"]["id"]
    assert (first["status"], first["priority"], second["status"], second["priority"]) == (
        "REGISTERED",
        1,
        "REGISTERED",
        2,
    )
    for mortgage in (first, second):
        assert [(r["kind"], r["rightStatus"]) for r in mortgage["registrations"]] == [("MORTGAGE", "IN_FORCE")]

    # A combined loan: the fund centre's part after the bank's, both advance mortgages converted.
    [fund_part] = await _mortgages(gql, fund)
    assert fund_part["contract"]["paymentMethod"] == "COMBINED_LOAN"
    [bank_part] = [
        m for m in await _mortgages(gql, bank) if (m["contract"] or {}).get("id") == fund_part["contract"]["id"]
    ]
    for mortgage, priority in ((bank_part, 1), (fund_part, 2)):
        assert (mortgage["status"], mortgage["priority"]) == ("REGISTERED", priority)
        assert sorted((r["kind"], r["rightStatus"]) for r in mortgage["registrations"]) == [
            ("ADVANCE_MORTGAGE", "HISTORIC"),
            ("MORTGAGE", "IN_FORCE"),
        ]
    combined = await _home(gql, county, fund_part["property"]["id"])
    assert combined["status"] == "REGISTERED" and len(combined["owners"]) >= 1
    assert [s[:3] for s in _rights(combined, "MORTGAGE")] == [
        ("IN_FORCE", "COMPLETED", 1),
        ("IN_FORCE", "COMPLETED", 2),
    ]


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
