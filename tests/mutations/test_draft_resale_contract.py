"""draftContract of a registered home (存量房买卖, DESIGN §7): its sellers are the holders of the
ownership in force; one of them drafts (BUYER, face); every seller and buyer signs; fileContract
checks the resale's own rules (tests/unit/test_filing_rules.py has the table)."""

from __future__ import annotations

import pytest

from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.resale import Resale
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Resale(gql).setup()


@pytest.fixture
async def home(life):
    """A home 张三 and 李四 own, 60 % and 40 %."""
    unit, _, _ = await life.registered_home(
        buyer_tokens={ids.ZHANG_SAN: life.actors.zhang, ids.LI_SI: life.actors.li},
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.6"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
        ],
    )
    return unit


async def test_an_owner_drafts_the_resale_and_every_owner_is_a_seller(life, home):
    drafted = await life.draft_resale(home["id"], life.actors.zhang)
    assert drafted["userErrors"] == []
    contract = drafted["contract"]
    assert (contract["kind"], contract["status"]) == ("RESALE", "DRAFT")
    assert [s["idNumber"] for s in contract["sellers"]] == [ids.ZHANG_SAN, ids.LI_SI]
    assert contract["seller"]["idNumber"] == ids.ZHANG_SAN
    assert [b["party"]["idNumber"] for b in contract["buyers"]] == [ids.WANG_WU]
    assert '"kind":"RESALE"' in contract["text"] and ids.LI_SI in contract["text"]
    from domain.canonical import sha256_hex

    assert sha256_hex(contract["text"]) == contract["documentHash"]


async def test_every_seller_and_buyer_signs_and_a_seller_files(life, home):
    contract = await life.signed_resale(
        home["id"], [life.actors.zhang, life.actors.li], {ids.WANG_WU: life.actors.wang}
    )
    assert contract["status"] == "SIGNED"
    assert sorted(s["signer"]["name"] for s in contract["signatures"]) == ["张三", "李四", "王五"]
    filed = await life.file_resale(contract["id"], life.actors.li)
    assert filed["userErrors"] == []
    assert filed["contract"]["status"] == "FILED" and filed["contract"]["number"]
    assert filed["advanceRegistration"] is None  # a resale has no advance notice
    assert filed["contract"]["property"]["status"] == "REGISTERED"
    active = await life.client.data(
        "query($u: String!) { property(unitCode: $u) { activeContract { number kind } } }",
        {"u": home["unitCode"]},
        bearer=life.actors.registrar,
    )
    assert active["property"]["activeContract"] == {"number": filed["contract"]["number"], "kind": "RESALE"}


async def test_filing_waits_for_every_signature(life, home):
    drafted = (await life.draft_resale(home["id"], life.actors.zhang))["contract"]
    await life.sign_resale(drafted, life.actors.zhang)
    await life.sign_resale(drafted, life.actors.wang)
    assert error_codes(await life.file_resale(drafted["id"], life.actors.zhang)) == ["SIGNATURES_MISSING"]


async def test_a_second_resale_of_the_home_is_refused_once_one_is_filed(life, home):
    sellers = [life.actors.zhang, life.actors.li]
    await life.filed_resale(home["id"], sellers, {ids.WANG_WU: life.actors.wang})
    other = await life.signed_resale(home["id"], sellers, {ids.WANG_WU: life.actors.wang})
    assert error_codes(await life.file_resale(other["id"], life.actors.zhang)) == ["ALREADY_SOLD"]


async def test_a_seized_home_is_not_filed(life, home):
    contract = await life.signed_resale(
        home["id"], [life.actors.zhang, life.actors.li], {ids.WANG_WU: life.actors.wang}
    )
    assert (await life.seize(home["id"]))["userErrors"] == []
    assert error_codes(await life.file_resale(contract["id"], life.actors.zhang)) == ["ENCUMBERED"]


async def test_the_escrow_bank_records_the_deposit_filing_needs(life, home):
    contract = await life.signed_resale(
        home["id"],
        [life.actors.zhang, life.actors.li],
        {ids.WANG_WU: life.actors.wang},
        escrow=(ids.BANK, "500000.00"),
    )
    assert (contract["escrowBank"]["idNumber"], contract["escrowAmount"]) == (ids.BANK, "500000.00")
    assert error_codes(await life.file_resale(contract["id"], life.actors.zhang)) == ["FUNDS_NOT_DEPOSITED"]
    refused = await life.deposit(contract["id"], "RESALE_ESCROW", "500000.00", "ESC-1", bearer=life.actors.other_bank)
    assert error_codes(refused) in (["FORBIDDEN"], ["NOT_FOUND"])
    paid = await life.deposit(contract["id"], "RESALE_ESCROW", "500000.00", "ESC-1")
    assert paid["userErrors"] == [], paid
    assert error_codes(await life.file_resale(contract["id"], life.actors.zhang)) == []


async def test_only_an_owner_drafts_after_face_recognition(life, home):
    assert error_codes(await life.draft_resale(home["id"], life.actors.wang)) == ["FORBIDDEN"]
    no_face = token("BUYER", ids.ZHANG_SAN, ["pwd"])
    assert error_codes(await life.draft_resale(home["id"], no_face)) == ["IDENTITY_UNVERIFIED"]
    assert error_codes(await life.draft_resale(home["id"], life.actors.tax)) == ["FORBIDDEN"]


async def test_a_seller_does_not_buy_their_own_home(life, home):
    payload = await life.draft_resale(home["id"], life.actors.zhang, buyers=[{"idNumber": ids.LI_SI, "name": "李四"}])
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "buyers", "0", "idNumber"])]


async def test_an_escrow_names_its_bank_and_amount(life, home):
    payload = await life.draft_resale(home["id"], life.actors.zhang, escrow=(ids.BANK, "2000000.00"))
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "escrowAmount"])]


async def test_a_home_not_yet_registered_is_not_resold(life):
    _, units = await life.permit_with_units(units=1)
    await life.pre_registered(units[0]["id"])
    assert error_codes(await life.draft_resale(units[0]["id"], life.actors.zhang)) == ["FORBIDDEN"]


async def test_a_developer_does_not_sign_a_resale(life, home):
    drafted = (await life.draft_resale(home["id"], life.actors.zhang))["contract"]
    assert error_codes(await life.sign_resale(drafted, life.actors.developer)) in (["FORBIDDEN"], ["NOT_FOUND"])


async def test_the_housing_bureau_files_a_resale_and_a_buyer_does_not(life, home):
    contract = await life.signed_resale(
        home["id"], [life.actors.zhang, life.actors.li], {ids.WANG_WU: life.actors.wang}
    )
    assert error_codes(await life.file_resale(contract["id"], life.actors.wang)) == ["FORBIDDEN"]
    assert error_codes(await life.file_resale(contract["id"], life.actors.developer)) in (["FORBIDDEN"], ["NOT_FOUND"])
    filed = await life.file_resale(contract["id"], life.actors.housing)
    assert filed["userErrors"] == [] and filed["contract"]["status"] == "FILED"
