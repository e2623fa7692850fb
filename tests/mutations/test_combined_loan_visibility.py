"""Combined loans and visibility (DESIGN §7): the bank and the provident fund centre each see the
contract, its events and their own mortgage; the other's mortgage only as a right in force, never
its principal, term or the borrowers' signatures, in queries and in events alike."""

from __future__ import annotations

import json

import pytest

from domain.models import Contract, EventAudience, Mortgage, Party
from tests import ids
from tests.combined import CombinedLife

BANK_PRINCIPAL, FUND_PRINCIPAL = "412345.00", "287654.00"


@pytest.fixture
async def life(gql):
    return await CombinedLife(gql).setup()


@pytest.fixture
async def registered(life):
    """A combined-loan sale through first registration: both mortgages in force."""
    permit, units = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(units[0]["id"])
    bank, fund = await life.combined_mortgages(
        contract["id"], [life.actors.zhang], principals=(BANK_PRINCIPAL, FUND_PRINCIPAL)
    )
    await life.pay_all(contract["id"])
    assert (await life.accept_completion(permit["id"]))["userErrors"] == []
    assert (await life.first_registration(permit["id"]))["userErrors"] == []
    return contract, units[0], bank, fund


CONTRACT_QUERY = """query($id: ID!) { node(id: $id) { ... on Contract {
  lenders { idNumber } lender { idNumber }
  mortgage { id principal lender { idNumber } }
  mortgages { id principal termMonths lender { idNumber } signatures { method } }
  property { registrations(inForce: true) { edges { node {
    kind text applicationForm mortgage { id } certificate { number content } } } } }
} } }"""

MORTGAGE_QUERY = "query($id: ID!) { node(id: $id) { ... on Mortgage { id principal termMonths } } }"

EVENTS_QUERY = """{ events(first: 200) { edges { node { type payload mortgage { id } } } } }"""


def _lenders(life):
    return [
        ("bank", life.actors.bank, ids.BANK, BANK_PRINCIPAL, FUND_PRINCIPAL),
        ("fund", life.fund, ids.PROVIDENT_FUND, FUND_PRINCIPAL, BANK_PRINCIPAL),
    ]


@pytest.mark.parametrize("who", ["bank", "fund"])
async def test_each_lender_sees_the_contract_and_only_its_own_loan(life, registered, who):
    contract, _, bank, fund = registered
    _, bearer, own_code, own_principal, other_principal = next(x for x in _lenders(life) if x[0] == who)
    own, other = (bank, fund) if who == "bank" else (fund, bank)
    node = (await life.client.data(CONTRACT_QUERY, {"id": contract["id"]}, bearer=bearer))["node"]
    assert [p["idNumber"] for p in node["lenders"]] == [ids.BANK, ids.PROVIDENT_FUND]
    assert node["lender"] == {"idNumber": ids.BANK}
    assert node["mortgage"] == {"id": own["id"], "principal": own_principal, "lender": {"idNumber": own_code}}
    assert [(m["id"], m["principal"]) for m in node["mortgages"]] == [(own["id"], own_principal)]
    assert node["mortgages"][0]["signatures"] == [{"method": "FACE"}]
    # The other's mortgage by its id: nothing.
    assert (await life.client.data(MORTGAGE_QUERY, {"id": other["id"]}, bearer=bearer))["node"] is None
    # On the register both are rights in force; the other's without its terms or certificate.
    rights = [e["node"] for e in node["property"]["registrations"]["edges"] if e["node"]["kind"] == "MORTGAGE"]
    assert len(rights) == 2
    mine = [r for r in rights if r["mortgage"] is not None]
    theirs = [r for r in rights if r["mortgage"] is None]
    assert [r["mortgage"]["id"] for r in mine] == [own["id"]] and len(theirs) == 1
    assert mine[0]["applicationForm"]["principal"] == own_principal
    assert mine[0]["certificate"]["content"]["principal"] == own_principal
    assert theirs[0]["applicationForm"] == {"registrationType": "抵押权登记(预告抵押转现)"}
    assert theirs[0]["certificate"] is None
    everything = json.dumps(node, ensure_ascii=False)
    assert other_principal not in everything and own_principal in everything


@pytest.mark.parametrize("who", ["bank", "fund"])
async def test_each_lender_receives_the_contracts_events_but_not_the_other_loans(life, registered, who):
    contract, _, bank, fund = registered
    _, bearer, _, own_principal, other_principal = next(x for x in _lenders(life) if x[0] == who)
    own = bank if who == "bank" else fund
    events = [e["node"] for e in (await life.client.data(EVENTS_QUERY, bearer=bearer))["events"]["edges"]]
    types = {e["type"] for e in events}
    assert {"CONTRACT_FILED", "MORTGAGE_APPROVED", "MORTGAGE_SIGNED", "REGISTRATION_COMPLETED"} <= types
    assert {e["mortgage"]["id"] for e in events if e["mortgage"]} == {own["id"]}
    text = json.dumps([e["payload"] for e in events], ensure_ascii=False)
    assert own_principal in text and other_principal not in text
    # The log names both lenders in the contract's events' audience.
    contract_row = await Contract.get(number=contract["number"])
    lender_ids = {p.id for p in await Party.filter(id_number__in=[ids.BANK, ids.PROVIDENT_FUND])}
    filed = await EventAudience.filter(event__type="CONTRACT_FILED", event__contract_id=contract_row.id)
    assert lender_ids <= {a.party_id for a in filed}


async def test_a_bank_not_chosen_sees_neither_loan(life, registered):
    contract, _, bank, fund = registered
    bearer = life.actors.other_bank
    assert (await life.client.data(CONTRACT_QUERY, {"id": contract["id"]}, bearer=bearer))["node"] is None
    for mortgage in (bank, fund):
        assert (await life.client.data(MORTGAGE_QUERY, {"id": mortgage["id"]}, bearer=bearer))["node"] is None


async def test_the_borrower_and_the_registrar_see_both_loans(life, registered):
    contract, _, bank, fund = registered
    for bearer in (life.actors.zhang, life.actors.registrar):
        node = (await life.client.data(CONTRACT_QUERY, {"id": contract["id"]}, bearer=bearer))["node"]
        assert [(m["id"], m["principal"]) for m in node["mortgages"]] == [
            (bank["id"], BANK_PRINCIPAL),
            (fund["id"], FUND_PRINCIPAL),
        ]
        assert node["mortgage"]["id"] == bank["id"]  # the first lender's
    assert await Mortgage.filter(status="REGISTERED").count() == 2
