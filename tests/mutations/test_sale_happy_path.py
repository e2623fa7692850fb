"""Given a permit, when a buyer's sale goes through every step, then the advance notice is in force."""

from __future__ import annotations

import re

from tests.story import Sale


async def test_a_sale_from_permit_to_advance_notice_in_seconds(gql):
    sale = await Sale(gql).setup()
    _permit, units = await sale.permit_with_units()
    contract, registration = await sale.filed_contract(units[0]["id"])
    assert contract["status"] == "FILED"
    assert re.fullmatch(r"411528-\d{4}-0000001", contract["number"])
    assert contract["property"]["status"] == "SOLD"
    assert (registration["kind"], registration["status"]) == ("ADVANCE_NOTICE", "AWAITING_SIGNATURE")
    assert registration["applicationForm"]["contractNumber"] == contract["number"]
    submitted = await sale.submit(registration["id"], sale.actors.zhang)
    assert submitted["userErrors"] == []
    done = submitted["registration"]
    assert (done["status"], done["rightStatus"], done["decidedBy"]) == ("COMPLETED", "IN_FORCE", "SYSTEM")
    assert re.fullmatch(r"豫\(\d{4}\)息县不动产证明第0000001号", done["number"])
    assert all(c["passed"] for c in done["checks"]) and len(done["checks"]) == 7
    assert done["property"]["status"] == "PRE_REGISTERED"
    certificate = done["certificate"]
    verified = await gql.data(
        "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { valid reason } }",
        {"n": certificate["number"], "h": certificate["contentHash"]},
    )
    assert verified["verifyCertificate"] == {"valid": True, "reason": None}
