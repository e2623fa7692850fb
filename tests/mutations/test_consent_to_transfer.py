"""consentToTransfer (带押过户, DESIGN §7): a resale of a mortgaged home is filed and transferred
only with the consent of the mortgage's lender; the mortgage stays in force and the buyer's own
loan from another bank, approved on the resale and signed, is registered in the same decision."""

from __future__ import annotations

import itertools

import pytest

from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.resale import Resale
from tests.support import token

_numbers = itertools.count(1)
IN_FORCE = """query($u: String!) { property(unitCode: $u) { owners { idNumber }
  registrations(inForce: true) { edges { node { kind mortgage { id status } } } } } }"""


@pytest.fixture
async def life(gql):
    return await Resale(gql).setup()


@pytest.fixture
async def mortgaged_home(life):
    """张三's home with the bank's mortgage in force (a new home bought with a loan)."""
    permit, units = await life.permit_with_units(units=1)
    life.unit = units[0]
    contract, _ = await life.pre_registered(units[0]["id"])
    mortgage = await life.mortgaged(contract["id"], [life.actors.zhang])
    await life.pay_all(contract["id"])
    assert (await life.accept_completion(permit["id"], number=f"息竣备-押-{next(_numbers)}"))["userErrors"] == []
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    assert transfer["status"] == "COMPLETED"
    return mortgage


async def _resale(life) -> dict:
    return await life.signed_resale(
        life.unit["id"],
        [life.actors.zhang],
        {ids.WANG_WU: life.actors.wang},
        payment_method="COMMERCIAL_LOAN",
        lender=ids.OTHER_BANK,
        down_payment="300000.00",
    )


async def consent(life, mortgage_id: str, contract_id: str, bearer: str | None = None) -> dict:
    return await life.call(
        """mutation($input: ConsentToTransferInput!) { consentToTransfer(input: $input) {
             mortgage { id status } userErrors { code field message } } }""",
        "consentToTransfer",
        {"mortgageId": mortgage_id, "contractId": contract_id},
        bearer or life.actors.bank,
    )


async def test_without_consent_the_resale_is_not_filed(life, mortgaged_home):
    contract = await _resale(life)
    assert error_codes(await life.file_resale(contract["id"], life.actors.zhang)) == ["ENCUMBERED"]


async def test_with_consent_both_mortgages_stand_after_the_transfer(life, mortgaged_home):
    contract = await _resale(life)
    consented = await consent(life, mortgaged_home["id"], contract["id"])
    assert consented["userErrors"] == [] and consented["mortgage"]["status"] == "REGISTERED"
    filed = await life.file_resale(contract["id"], life.actors.zhang)
    assert filed["userErrors"] == [], filed
    # The buyer's own loan from another bank, approved on the resale and signed.
    loan = (await life.approve(contract["id"], bearer=life.actors.other_bank))["mortgage"]
    assert (await life.sign_mortgage(loan["id"], life.actors.wang))["userErrors"] == []
    await life.pay_records(await life.assess(contract["id"]))
    await life.pay_records((await life.seller_taxes(contract["id"]))["taxRecords"])
    registration = (await life.apply_transfer(contract["id"], life.actors.wang))["registration"]
    await life.sign_transfer(registration, life.actors.wang)
    done = (await life.sign_transfer(registration, life.actors.zhang))["registration"]
    assert done["status"] == "COMPLETED", done
    await life.pay_fees()  # the buyer's loan, applied for with the transfer, registers with its fee (登记费)
    home = (await life.client.data(IN_FORCE, {"u": life.unit["unitCode"]}, bearer=life.actors.registrar))["property"]
    assert home["owners"] == [{"idNumber": ids.WANG_WU}]
    kinds = [(e["node"]["kind"], (e["node"]["mortgage"] or {}).get("id")) for e in home["registrations"]["edges"]]
    assert sorted(k for k, _ in kinds) == ["MORTGAGE", "MORTGAGE", "TRANSFER"]
    mortgages = [m for k, m in kinds if k == "MORTGAGE"]
    assert mortgages == [mortgaged_home["id"], loan["id"]]  # the old one first, in order of registration
    statuses = {
        e["node"]["mortgage"]["id"]: e["node"]["mortgage"]["status"]
        for e in home["registrations"]["edges"]
        if e["node"]["mortgage"]
    }
    assert statuses == {mortgaged_home["id"]: "REGISTERED", loan["id"]: "REGISTERED"}


async def test_consent_is_given_once(life, mortgaged_home):
    contract = await _resale(life)
    assert (await consent(life, mortgaged_home["id"], contract["id"]))["userErrors"] == []
    assert error_fields(await consent(life, mortgaged_home["id"], contract["id"])) == [
        ("DUPLICATE", ["input", "contractId"])
    ]


async def test_only_the_mortgages_lender_consents_with_its_ca(life, mortgaged_home):
    contract = await _resale(life)
    assert error_codes(await consent(life, mortgaged_home["id"], contract["id"], life.actors.other_bank)) == [
        "NOT_FOUND"
    ]
    no_ca = token("BANK", ids.BANK, ["pwd"])
    assert error_codes(await consent(life, mortgaged_home["id"], contract["id"], no_ca)) == ["IDENTITY_UNVERIFIED"]
    assert error_codes(await consent(life, mortgaged_home["id"], contract["id"], life.actors.tax)) == ["FORBIDDEN"]
    assert error_codes(await consent(life, mortgaged_home["id"], contract["id"], life.actors.zhang)) in (
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )


async def test_consent_is_to_a_resale_of_that_home(life, mortgaged_home):
    _, units = await life.permit_with_units(units=1)
    other, _ = await life.pre_registered(units[0]["id"])  # a new home's contract, another unit
    assert error_codes(await consent(life, mortgaged_home["id"], other["id"])) in (["INVALID_STATE"], ["NOT_FOUND"])


async def test_neither_lender_sees_the_others_loan(life, mortgaged_home):
    contract = await _resale(life)
    await consent(life, mortgaged_home["id"], contract["id"])
    assert (await life.file_resale(contract["id"], life.actors.zhang))["userErrors"] == []
    loan = (await life.approve(contract["id"], bearer=life.actors.other_bank))["mortgage"]
    query = "{ mortgages { edges { node { id principal } } } }"
    old = await life.client.data(query, bearer=life.actors.bank)
    new = await life.client.data(query, bearer=life.actors.other_bank)
    assert [e["node"]["id"] for e in old["mortgages"]["edges"]] == [mortgaged_home["id"]]
    assert [e["node"]["id"] for e in new["mortgages"]["edges"]] == [loan["id"]]
    events = await life.client.data("{ events(first: 200) { edges { node { type } } } }", bearer=life.actors.other_bank)
    assert "TRANSFER_CONSENTED" not in [e["node"]["type"] for e in events["events"]["edges"]]
