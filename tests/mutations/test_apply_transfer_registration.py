"""applyTransferRegistration (转移登记 of a resale, DESIGN §7): a seller or buyer of the filed
resale applies; every seller and buyer signs with signRegistration; the last signature decides
at once, or the application waits for the taxes and completes with the last payment."""

from __future__ import annotations

import pytest

from domain.models import SharedPersonRecord
from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.resale import Resale, held_since
from tests.support import token

HOMES = "query($n: String!) { homesOwned(idNumber: $n, scope: FAMILY) { count } }"
OWNERS = "query($u: String!) { property(unitCode: $u) { status owners { idNumber } } }"


@pytest.fixture
async def life(gql):
    return await Resale(gql).setup()


@pytest.fixture
async def resale(life):
    """张三's home, held a year, resold to 王五 and filed."""
    unit, _, transfer = await life.registered_home()
    await held_since(transfer["id"], 1)
    life.unit, life.old_transfer = unit, transfer
    return await life.filed_resale(unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})


async def _homes(life, number: str) -> int:
    return (await life.client.data(HOMES, {"n": number}, bearer=life.actors.tax))["homesOwned"]["count"]


async def _pay_taxes(life, contract: dict) -> None:
    await life.pay_records(await life.assess(contract["id"]))
    await life.pay_records((await life.seller_taxes(contract["id"]))["taxRecords"])


async def test_a_buyer_applies_and_the_application_awaits_every_signature(life, resale):
    applied = await life.apply_transfer(resale["id"], life.actors.wang)
    assert applied["userErrors"] == []
    registration = applied["registration"]
    assert (registration["kind"], registration["status"], registration["rightStatus"]) == (
        "TRANSFER",
        "AWAITING_SIGNATURE",
        "PENDING",
    )
    assert sorted(a["name"] for a in registration["applicants"]) == ["张三", "王五"]
    assert [h["name"] for h in registration["rightHolders"]] == ["王五"]
    assert registration["applicationForm"]["contractNumber"] == resale["number"]
    from domain.canonical import canonical_hash, sha256_hex

    assert sha256_hex(registration["text"]) == registration["documentHash"]
    assert registration["documentHash"] == canonical_hash(registration["applicationForm"])


async def test_unpaid_taxes_keep_it_waiting_and_the_last_payment_completes_it(life, resale):
    registration = (await life.apply_transfer(resale["id"], life.actors.zhang))["registration"]
    assert (await life.sign_transfer(registration, life.actors.zhang))["registration"]["status"] == "AWAITING_SIGNATURE"
    signed = (await life.sign_transfer(registration, life.actors.wang))["registration"]
    assert signed["status"] == "SUBMITTED" and signed["rightStatus"] == "PENDING"
    assert await _homes(life, ids.ZHANG_SAN) == 1
    await _pay_taxes(life, resale)
    done = await life.client.data(
        "query($n: ID!) { node(id: $n) { ... on Registration { status rightStatus decidedBy number "
        "certificate { kind number contentHash } convertedFrom { rightStatus } checks { rule passed } } } }",
        {"n": registration["id"]},
        bearer=life.actors.registrar,
    )
    node = done["node"]
    assert (node["status"], node["rightStatus"], node["decidedBy"]) == ("COMPLETED", "IN_FORCE", "SYSTEM")
    assert node["certificate"]["kind"] == "OWNERSHIP_CERTIFICATE"
    assert node["convertedFrom"]["rightStatus"] == "HISTORIC"
    assert all(c["passed"] for c in node["checks"])
    owners = (await life.client.data(OWNERS, {"u": life.unit["unitCode"]}, bearer=life.actors.registrar))["property"]
    assert owners == {"status": "REGISTERED", "owners": [{"idNumber": ids.WANG_WU}]}
    assert (await _homes(life, ids.ZHANG_SAN), await _homes(life, ids.WANG_WU)) == (0, 1)
    old = await life.verify(life.old_transfer["certificate"])
    assert (old["valid"], old["status"]) == (True, "SUPERSEDED")
    assert (await life.verify(node["certificate"]))["status"] == "CURRENT"


async def test_with_taxes_paid_the_last_signature_completes_at_once(life, resale):
    await _pay_taxes(life, resale)
    registration = (await life.apply_transfer(resale["id"], life.actors.wang))["registration"]
    await life.sign_transfer(registration, life.actors.wang)
    done = (await life.sign_transfer(registration, life.actors.zhang))["registration"]
    assert (done["status"], done["rightStatus"]) == ("COMPLETED", "IN_FORCE")
    assert done["certificate"]["kind"] == "OWNERSHIP_CERTIFICATE"
    assert done["convertedFrom"]["certificate"]["status"] == "SUPERSEDED"
    assert [c["rule"] for c in done["checks"]] == [
        "CONTRACT_FILED",
        "SIGNATURES_COMPLETE",
        "SELLERS_HOLD_OWNERSHIP",
        "NO_SEIZURE",
        "NO_OBJECTION",
        "MORTGAGE_CONSENTED",
        "IDENTITIES_MATCH_SHARED_DATA",
        "DEED_TAX_PAID",
        "SELLER_TAXES_PAID",
        "FEE_PAID",
    ]
    # The home can be sold again by its new owner.
    again = await life.draft_resale(life.unit["id"], life.actors.wang, buyers=[{"idNumber": ids.LI_SI, "name": "李四"}])
    assert again["userErrors"] == [] and [s["idNumber"] for s in again["contract"]["sellers"]] == [ids.WANG_WU]
    # Its filing finds the home free: the performed resale gave up the filed slot.
    for bearer in (life.actors.wang, life.actors.li):
        assert (await life.sign_resale(again["contract"], bearer))["userErrors"] == []
    assert (await life.file_resale(again["contract"]["id"], life.actors.wang))["userErrors"] == []
    assert error_codes(await life.draft_resale(life.unit["id"], life.actors.zhang)) == ["FORBIDDEN"]


async def test_a_seizure_before_the_last_signature_rejects_it(life, resale):
    await _pay_taxes(life, resale)
    registration = (await life.apply_transfer(resale["id"], life.actors.wang))["registration"]
    await life.sign_transfer(registration, life.actors.wang)
    seizure = await life.seize(life.unit["id"])
    assert seizure["userErrors"] == []
    done = (await life.sign_transfer(registration, life.actors.zhang))["registration"]
    assert (done["status"], done["decidedBy"]) == ("REJECTED", "SYSTEM")
    assert [c["rule"] for c in done["checks"] if not c["passed"]] == ["NO_SEIZURE"]
    assert await _homes(life, ids.ZHANG_SAN) == 1
    # Once the seizure is released the parties apply again, and the new application completes.
    assert (await life.release(seizure["registration"]["id"]))["userErrors"] == []
    again = (await life.apply_transfer(resale["id"], life.actors.wang))["registration"]
    await life.sign_transfer(again, life.actors.wang)
    assert (await life.sign_transfer(again, life.actors.zhang))["registration"]["status"] == "COMPLETED"


async def test_a_name_the_population_record_no_longer_gives_goes_to_review(life, resale):
    await _pay_taxes(life, resale)
    registration = (await life.apply_transfer(resale["id"], life.actors.wang))["registration"]
    await life.sign_transfer(registration, life.actors.wang)
    # Test setup: the population record (shared data) gives another name since the contract.
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王小五", marital_status="SINGLE")
    done = (await life.sign_transfer(registration, life.actors.zhang))["registration"]
    assert done["status"] == "IN_REVIEW"
    assert [c["rule"] for c in done["checks"] if not c["passed"]] == ["IDENTITIES_MATCH_SHARED_DATA"]


async def test_one_application_at_a_time(life, resale):
    assert (await life.apply_transfer(resale["id"], life.actors.wang))["userErrors"] == []
    assert error_fields(await life.apply_transfer(resale["id"], life.actors.zhang)) == [
        ("DUPLICATE", ["input", "contractId"])
    ]


async def test_only_a_filed_resale_is_transferred(life):
    unit, new_home, _ = await life.registered_home()
    assert error_codes(await life.apply_transfer(new_home["id"], life.actors.zhang)) == ["INVALID_STATE"]
    drafted = (await life.draft_resale(unit["id"], life.actors.zhang))["contract"]
    assert error_codes(await life.apply_transfer(drafted["id"], life.actors.zhang)) == ["INVALID_STATE"]


async def test_who_may_apply_and_sign(life, resale):
    assert error_codes(await life.apply_transfer(resale["id"], life.actors.li)) == ["NOT_FOUND"]
    assert error_codes(await life.apply_transfer(resale["id"], life.actors.tax)) == ["FORBIDDEN"]
    assert error_codes(await life.apply_transfer(resale["id"], life.actors.bank)) in (["FORBIDDEN"], ["NOT_FOUND"])
    assert error_codes(await life.apply_transfer(resale["id"], life.actors.developer)) in (
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )
    registration = (await life.apply_transfer(resale["id"], life.actors.wang))["registration"]
    no_face = token("BUYER", ids.WANG_WU, ["pwd"])
    assert error_codes(await life.sign_transfer(registration, no_face)) == ["IDENTITY_UNVERIFIED"]
    assert error_codes(await life.sign_transfer(registration, life.actors.li)) == ["NOT_FOUND"]
    assert error_fields(await life.sign_transfer(registration, life.actors.wang, document_hash="0" * 64)) == [
        ("INVALID_INPUT", ["input", "documentHash"])
    ]
    await life.sign_transfer(registration, life.actors.wang)
    assert error_codes(await life.sign_transfer(registration, life.actors.wang)) == ["DUPLICATE"]


async def test_a_registrar_approves_in_review_and_the_transfer_completes(life, resale):
    registration = (await life.apply_transfer(resale["id"], life.actors.wang))["registration"]
    await life.sign_transfer(registration, life.actors.wang)
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王小五", marital_status="SINGLE")
    assert (await life.sign_transfer(registration, life.actors.zhang))["registration"]["status"] == "IN_REVIEW"
    # Approved while the taxes are unpaid: it waits for them, and the last payment completes it.
    approved = await life.decide(registration["id"], True, reason="户籍更名, 经人工核实为同一人")
    assert approved["userErrors"] == [], approved
    assert (approved["registration"]["status"], approved["registration"]["decidedBy"]) == ("SUBMITTED", "REGISTRAR")
    await _pay_taxes(life, resale)
    owners = (await life.client.data(OWNERS, {"u": life.unit["unitCode"]}, bearer=life.actors.registrar))["property"]
    assert owners["owners"] == [{"idNumber": ids.WANG_WU}]
