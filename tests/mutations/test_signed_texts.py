"""What the signers sign (issue 16 item 6): the text beside each documentHash."""

from __future__ import annotations

import hashlib
import json

from domain.models import Signature
from tests import ids

TEXT = "{ contract(number: $n) { text documentHash } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def test_the_contract_text_hashes_to_its_document_hash_and_a_revision_changes_both(sale, unit, gql):
    drafted = await sale.draft(
        unit["id"],
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.6"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
        ],
    )
    contract_id = drafted["contract"]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on Contract { text documentHash } } }"
    first = (await gql.data(query, {"id": contract_id}, bearer=sale.actors.zhang))["node"]
    assert sha256(first["text"]) == first["documentHash"] == drafted["contract"]["documentHash"]
    document = json.loads(first["text"])
    assert document["price"] == "1000000.00" and [b["name"] for b in document["buyers"]] == ["张三", "李四"]
    assert document["buyers"][1] == {"idNumber": ids.LI_SI, "name": "李四", "share": "0.400000"}

    revised = await gql.data(
        """mutation($input: ReviseContractInput!) { reviseContract(input: $input) { contract { documentHash text }
             userErrors { code } } }""",
        {
            "input": {
                "contractId": contract_id,
                "buyers": [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
                "price": "990000.00",
                "downPayment": "300000.00",
                "paymentMethod": "COMMERCIAL_LOAN",
                "deliveryWithCertificate": True,
                "lenderIdNumber": ids.BANK,
            }
        },
        bearer=sale.actors.developer,
    )
    after = revised["reviseContract"]["contract"]
    assert after["documentHash"] != first["documentHash"] and after["text"] != first["text"]
    assert sha256(after["text"]) == after["documentHash"]
    assert json.loads(after["text"])["price"] == "990000.00"


async def test_the_application_text_is_what_the_applicants_signed(sale, unit, gql):
    _, registration = await sale.filed_contract(unit["id"])
    query = "query($id: ID!) { node(id: $id) { ... on Registration { text documentHash applicationForm } } }"
    before = (await gql.data(query, {"id": registration["id"]}, bearer=sale.actors.zhang))["node"]
    assert sha256(before["text"]) == before["documentHash"]
    assert json.loads(before["text"]) == before["applicationForm"]
    submitted = await sale.submit(registration["id"], sale.actors.zhang)
    assert submitted["userErrors"] == []
    [signature] = await Signature.filter(registration_id__isnull=False)
    assert signature.document_hash == before["documentHash"]


async def test_another_buyer_sees_no_text(sale, unit, gql):
    drafted = await sale.draft(unit["id"])
    query = "query($id: ID!) { node(id: $id) { ... on Contract { text } } }"
    assert (await gql.data(query, {"id": drafted["contract"]["id"]}, bearer=sale.actors.wang))["node"] is None
