"""An application as a document (issue 16 item 6): `GET /registrations/{id}.pdf` lays out the
application (不动产登记申请书) whose text the applicants sign, for those who may see the
registration (DESIGN §1), and answers every one else as if it did not exist."""

from __future__ import annotations

import hashlib
import json

import pytest

from domain.canonical import canonical_hash
from domain.masking import mask_id_number
from domain.models import SharedPersonRecord, Signature
from resolvers.ids import from_global_id, to_global_id
from tests import ids
from tests.changes import Changes
from tests.e2e.test_documents import _tools, bearer, pdf_text

TEXT = "query($id: ID!) { node(id: $id) { ... on Registration { text documentHash applicationForm } } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


async def signed_text(life: Changes, registration_id: str, viewer: str) -> dict:
    return (await life.client.data(TEXT, {"id": registration_id}, bearer=viewer))["node"]


async def pdf(life: Changes, registration_id: str, viewer: str | None):
    return await life.client.http.get(f"/registrations/{registration_id}.pdf", headers=bearer(viewer))


async def test_the_advance_notice_application_for_those_who_see_it_and_no_one_else(life, tmp_path):
    _tools()
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    contract, registration = await life.filed_contract(units[0]["id"])
    url_id = registration["id"]

    assert (await pdf(life, url_id, None)).status_code == 401
    assert (await pdf(life, url_id, "not-a-token")).status_code == 401
    nowhere = await pdf(life, to_global_id("Registration", 999999), actors.registrar)
    assert nowhere.status_code == 404
    for refused in (actors.wang, actors.other_bank, actors.other_developer):  # another buyer, bank, developer
        answer = await pdf(life, url_id, refused)
        # The same answer as for a registration that does not exist: no existence oracle.
        assert (answer.status_code, answer.json()) == (404, nowhere.json())
    # Not an ID, and the registration's key under another type (the contract PDF's ID is no application's).
    for wrong in ("not-an-id", str(from_global_id(url_id)[1]), to_global_id("Contract", from_global_id(url_id)[1])):
        assert (await pdf(life, wrong, actors.registrar)).status_code == 404
    for allowed in (actors.developer, actors.bank, actors.housing, actors.registrar):
        assert (await pdf(life, url_id, allowed)).status_code == 200

    response = await pdf(life, url_id, actors.zhang)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert b"/FontFile2" in response.content  # the CJK font embedded
    text = pdf_text(response.content, tmp_path)
    for expected in (
        "不动产登记申请书",
        "预告登记",
        "ADVANCE_NOTICE",
        "预购商品房预告登记",
        units[0]["unitCode"],
        contract["number"],
        "张三",
        ids.ZHANG_SAN,
        "申请人",
        "权利人",
        "息县新园置业有限公司",  # the obligor, from the form
    ):
        assert expected in text, expected
    signed = await signed_text(life, url_id, actors.zhang)
    assert sha256(signed["text"]) == signed["documentHash"] == canonical_hash(signed["applicationForm"])
    flat = text.replace("\n", "").replace(" ", "")
    assert signed["documentHash"] in flat
    # The text is printed in full, after its digest.
    assert json.loads(signed["text"])["contractNumber"] in flat

    # What the buyer then signs is that hash.
    assert (await life.submit(url_id, actors.zhang))["userErrors"] == []
    [signature] = await Signature.filter(registration_id__isnull=False)
    assert signature.document_hash == signed["documentHash"]


async def test_the_cancellation_application_its_text_and_hash(life, tmp_path):
    _tools()
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    _, notice = await life.pre_registered(units[0]["id"])
    applied = await life.apply_cancellation(notice["id"], actors.zhang)
    assert applied["userErrors"] == []
    cancellation = applied["registration"]

    signed = await signed_text(life, cancellation["id"], actors.zhang)
    assert sha256(signed["text"]) == signed["documentHash"] == canonical_hash(cancellation["applicationForm"])
    assert json.loads(signed["text"])["cancels"]["number"] == notice["number"]

    assert (await pdf(life, cancellation["id"], actors.wang)).status_code == 404
    assert (await pdf(life, cancellation["id"], actors.other_developer)).status_code == 404
    response = await pdf(life, cancellation["id"], actors.developer)
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    for expected in ("不动产登记申请书", "注销登记", "CANCELLATION", notice["number"], units[0]["unitCode"], "张三"):
        assert expected in text, expected
    assert signed["documentHash"] in text.replace("\n", "").replace(" ", "")

    # Each applicant signs that hash.
    for signer in (actors.zhang, actors.developer):
        payload = await life.sign_registration(cancellation, signer, document_hash=signed["documentHash"])
        assert payload["userErrors"] == [], payload
    assert payload["registration"]["status"] == "COMPLETED"
    hashes = {s.document_hash for s in await Signature.filter(registration_id__isnull=False)}
    assert signed["documentHash"] in hashes
    after = pdf_text((await pdf(life, cancellation["id"], actors.zhang)).content, tmp_path)
    assert payload["registration"]["number"] in after and "已登簿" in after


async def test_a_revised_contract_is_what_the_application_says(life, tmp_path):
    _tools()
    actors = life.actors
    _, units = await life.permit_with_units(units=2)
    drafted = await life.draft(units[0]["id"])
    revised = await life.client.data(
        """mutation($input: ReviseContractInput!) { reviseContract(input: $input) {
             contract { id documentHash } userErrors { code } } }""",
        {
            "input": {
                "contractId": drafted["contract"]["id"],
                "buyers": [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
                "price": "987654.00",
                "downPayment": "300000.00",
                "paymentMethod": "COMMERCIAL_LOAN",
                "deliveryWithCertificate": True,
                "lenderIdNumber": ids.BANK,
            }
        },
        bearer=actors.developer,
    )
    contract = revised["reviseContract"]["contract"]
    assert contract["documentHash"] != drafted["contract"]["documentHash"]
    for signer in (actors.zhang, actors.developer):
        assert (await life.sign(contract["id"], contract["documentHash"], signer))["userErrors"] == []
    paid = await life.deposit(contract["id"], "PRESALE_SUPERVISED", "300000.00", "REV-1-S")
    assert (await life.deposit(contract["id"], "MAINTENANCE", paid["contract"]["requiredMaintenanceFund"], "REV-1-M"))[
        "userErrors"
    ] == []
    filed = await life.file(contract["id"])
    assert filed["userErrors"] == []
    revised_application = await signed_text(life, filed["advanceRegistration"]["id"], actors.zhang)

    # The same sale of the neighbouring home, unrevised: its application says the drafted price.
    _, unrevised = await life.filed_contract(units[1]["id"])
    plain_application = await signed_text(life, unrevised["id"], actors.zhang)
    assert json.loads(revised_application["text"])["price"] == "987654.00"
    assert json.loads(plain_application["text"])["price"] == "1000000.00"
    assert revised_application["documentHash"] != plain_application["documentHash"]
    assert sha256(revised_application["text"]) == revised_application["documentHash"]
    text = pdf_text((await pdf(life, filed["advanceRegistration"]["id"], actors.zhang)).content, tmp_path)
    assert "987654.00" in text and "1000000.00" not in text


async def test_a_person_the_viewer_may_not_read_is_masked_and_the_text_not_printed(life, tmp_path):
    _tools()
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    await life.pre_registered(units[0]["id"])
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    objection = (await life.object(units[0]["id"], ids.WANG_WU))["registration"]

    # The developer sees everything on its property, but 王五 is party to none of its contracts.
    seen = pdf_text((await pdf(life, objection["id"], actors.developer)).content, tmp_path)
    assert "异议登记" in seen and "王五" in seen and units[0]["unitCode"] in seen
    assert ids.WANG_WU not in seen and mask_id_number(ids.WANG_WU) in seen
    assert "此处不印全文" in seen
    # The registration centre reads every number, and the text in full.
    full = pdf_text((await pdf(life, objection["id"], actors.registrar)).content, tmp_path)
    assert ids.WANG_WU in full and "此处不印全文" not in full


async def test_the_form_in_graphql_masks_whom_the_viewer_may_not_read(life):
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    await life.pre_registered(units[0]["id"])
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    objection = (await life.object(units[0]["id"], ids.WANG_WU))["registration"]

    seen = await signed_text(life, objection["id"], actors.developer)
    assert ids.WANG_WU not in json.dumps(seen, ensure_ascii=False)
    assert mask_id_number(ids.WANG_WU) in seen["text"]
    assert seen["documentHash"] == sha256(seen["text"])

    full = await signed_text(life, objection["id"], actors.registrar)
    assert ids.WANG_WU in full["text"] and ids.WANG_WU in json.dumps(full["applicationForm"])
    assert full["documentHash"] == sha256(full["text"]) != seen["documentHash"]
