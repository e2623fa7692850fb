"""signContract: each buyer (face) and the seller (CA) sign the current text; the last makes it SIGNED."""

from __future__ import annotations

import pytest

from domain.models import Signature
from tests import ids
from tests.mutations.conftest import error_fields
from tests.support import token

REVISE = """mutation($input: ReviseContractInput!) { reviseContract(input: $input) {
  contract { status documentHash signatures { method } } userErrors { code field } } }"""


@pytest.fixture
async def draft(sale):
    _, units = await sale.permit_with_units()
    payload = await sale.draft(
        units[0]["id"], buyers=[{"idNumber": ids.ZHANG_SAN, "name": "张三"}, {"idNumber": ids.LI_SI, "name": "李四"}]
    )
    return payload["contract"]


async def test_every_party_signs_and_the_last_signature_makes_it_signed(sale, draft):
    first = await sale.sign(draft["id"], draft["documentHash"], sale.actors.zhang)
    assert first["userErrors"] == [] and first["contract"]["status"] == "DRAFT"
    second = await sale.sign(draft["id"], draft["documentHash"], sale.actors.li)
    assert second["contract"]["status"] == "DRAFT"
    last = await sale.sign(draft["id"], draft["documentHash"], sale.actors.developer)
    assert last["contract"]["status"] == "SIGNED"
    assert [(s["signer"]["name"], s["method"]) for s in last["contract"]["signatures"]] == [
        ("张三", "FACE"),
        ("李四", "FACE"),
        ("息县新园置业有限公司", "CA"),
    ]


async def test_a_buyer_without_face_verification_is_unverified(sale, draft):
    payload = await sale.sign(draft["id"], draft["documentHash"], token("BUYER", ids.ZHANG_SAN, ["pwd"]))
    assert error_fields(payload) == [("IDENTITY_UNVERIFIED", None)]
    assert await Signature.all().count() == 0


async def test_a_developer_without_its_ca_certificate_is_unverified(sale, draft):
    payload = await sale.sign(draft["id"], draft["documentHash"], token("DEVELOPER", ids.DEVELOPER, ["pwd"]))
    assert error_fields(payload) == [("IDENTITY_UNVERIFIED", None)]


@pytest.mark.parametrize(
    "role, party, error",
    [
        ("BUYER", ids.WANG_WU, ("NOT_FOUND", ["input", "contractId"])),
        ("DEVELOPER", ids.OTHER_DEVELOPER, ("NOT_FOUND", ["input", "contractId"])),
        ("HOUSING", None, ("FORBIDDEN", None)),
        ("BANK", ids.BANK, ("FORBIDDEN", None)),
    ],
)
async def test_no_one_else_signs(sale, draft, role, party, error):
    payload = await sale.sign(draft["id"], draft["documentHash"], token(role, party, ["face", "ca"]))
    assert error_fields(payload) == [error]
    assert await Signature.all().count() == 0


async def test_signing_another_text_is_refused(sale, draft):
    payload = await sale.sign(draft["id"], "0" * 64, sale.actors.zhang)
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "documentHash"])]


async def test_signing_twice_is_a_duplicate(sale, draft):
    await sale.sign(draft["id"], draft["documentHash"], sale.actors.zhang)
    payload = await sale.sign(draft["id"], draft["documentHash"], sale.actors.zhang)
    assert error_fields(payload) == [("DUPLICATE", ["input", "documentHash"])]
    assert await Signature.all().count() == 1


async def test_a_signed_contract_takes_no_more_signatures(sale, draft):
    for bearer in (sale.actors.zhang, sale.actors.li, sale.actors.developer):
        await sale.sign(draft["id"], draft["documentHash"], bearer)
    payload = await sale.sign(draft["id"], draft["documentHash"], sale.actors.zhang)
    assert error_fields(payload) == [("INVALID_STATE", ["input", "contractId"])]


async def test_changing_the_draft_changes_its_hash_and_drops_signatures(sale, draft):
    for bearer in (sale.actors.zhang, sale.actors.li, sale.actors.developer):
        await sale.sign(draft["id"], draft["documentHash"], bearer)
    revised = await sale.client.data(
        REVISE,
        {
            "input": {
                "contractId": draft["id"],
                "buyers": [{"idNumber": ids.ZHANG_SAN, "name": "张三"}, {"idNumber": ids.LI_SI, "name": "李四"}],
                "price": "990000.00",
                "downPayment": "300000.00",
                "paymentMethod": "COMMERCIAL_LOAN",
                "deliveryWithCertificate": True,
                "lenderIdNumber": ids.BANK,
            }
        },
        bearer=sale.actors.developer,
    )
    contract = revised["reviseContract"]["contract"]
    assert contract["status"] == "DRAFT" and contract["signatures"] == []
    assert contract["documentHash"] != draft["documentHash"]
    stale = await sale.sign(draft["id"], draft["documentHash"], sale.actors.zhang)
    assert error_fields(stale) == [("INVALID_INPUT", ["input", "documentHash"])]
    fresh = await sale.sign(draft["id"], contract["documentHash"], sale.actors.zhang)
    assert fresh["userErrors"] == []


async def test_one_face_verified_token_signs_the_contract_and_the_advance_notice(sale):
    _, units = await sale.permit_with_units()
    _contract, registration = await sale.filed_contract(units[0]["id"])
    submitted = await sale.submit(registration["id"], sale.actors.zhang)
    assert submitted["userErrors"] == [] and submitted["registration"]["status"] == "COMPLETED"
