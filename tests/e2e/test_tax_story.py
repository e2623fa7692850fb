"""The tax bureau's day over HTTP: shared data imported, a family's homes counted, tax assessed and paid."""

from __future__ import annotations

import json
import subprocess
import sys

from tests import ids
from tests.story import Sale, property_input
from tests.support import ROOT, server_env, token

HUSBAND, WIFE = ids.WANG_WU, ids.ZHAO_LIU


def _export(path):
    records = [
        {
            "type": "person",
            "idNumber": HUSBAND,
            "name": "王五",
            "maritalStatus": "MARRIED",
            "spouseIdNumber": WIFE,
            "childrenIdNumbers": [ids.MINOR_CHILD],
            "householdAddress": "息县城关镇王庄",
        },
        {
            "type": "person",
            "idNumber": WIFE,
            "name": "赵六",
            "maritalStatus": "MARRIED",
            "spouseIdNumber": HUSBAND,
            "childrenIdNumbers": [ids.MINOR_CHILD],
            "householdAddress": "息县城关镇王庄",
        },
        {"type": "person", "idNumber": ids.MINOR_CHILD, "name": "王小", "maritalStatus": "SINGLE"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")


async def test_tax_bureau_assesses_and_records_payment_for_a_family(server_gql, settings, tmp_path):
    export = tmp_path / "population.jsonl"
    _export(export)
    subprocess.run(
        [sys.executable, "-m", "api.cli", "import-shared-data", str(export)],
        env=server_env(settings),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    sale = await Sale(server_gql).setup()
    husband = token("BUYER", HUSBAND, ["face"])
    wife = token("BUYER", WIFE, ["face"])

    # The wife already bought a home (filed); now the husband buys a 150 m² one.
    permit = (
        await sale.issue_permit(
            number="税-1", properties=[property_input(area="120.00"), property_input(area="150.00")]
        )
    )["permit"]
    units = [e["node"] for e in permit["properties"]["edges"]]
    await sale.filed_contract(units[0]["id"], buyer_tokens={WIFE: wife}, buyers=[{"idNumber": WIFE, "name": "赵六"}])
    contract, registration = await sale.filed_contract(
        units[1]["id"], buyer_tokens={HUSBAND: husband}, buyers=[{"idNumber": HUSBAND, "name": "王五"}]
    )
    assert registration["applicationForm"]["rightHolders"][0]["householdAddress"] == "息县城关镇王庄"
    assert registration["applicationForm"]["rightHolders"][0]["maritalStatus"] == "MARRIED"

    homes = await server_gql.data(
        '{ homesOwned(idNumber: "%s") { count members { name } homes { basis } } }' % HUSBAND, bearer=sale.actors.tax
    )
    assert homes["homesOwned"]["count"] == 2
    assert [m["name"] for m in homes["homesOwned"]["members"]] == ["王五", "赵六", "王小"]

    assessed = await server_gql.data(
        (
            "mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) { taxRecords { id "
            "familyHomesBefore rate amount } userErrors { code } } }"
        ),
        {"id": contract["id"]},
        bearer=sale.actors.tax,
    )
    [record] = assessed["assessDeedTax"]["taxRecords"]
    # One family home before (the wife's), above 140 m²: 2% of 1,000,000.
    assert (record["familyHomesBefore"], record["rate"], record["amount"]) == (1, "0.0200", "20000.00")

    paid = await server_gql.data(
        (
            'mutation($id: ID!) { recordTaxPayment(input: {taxRecordId: $id, amount: "20000.00", '
            'voucherNumber: "豫税2026-000001"}) { taxRecord { status } userErrors { code } } }'
        ),
        {"id": record["id"]},
        bearer=sale.actors.tax,
    )
    assert paid["recordTaxPayment"] == {"taxRecord": {"status": "PAID"}, "userErrors": []}

    # The buyer sees their own tax record; the other spouse does not see his.
    own = await server_gql.data("{ taxRecords { edges { node { status amount } } } }", bearer=husband)
    assert [e["node"] for e in own["taxRecords"]["edges"]] == [{"status": "PAID", "amount": "20000.00"}]
    other = await server_gql.data("{ taxRecords { totalCount } }", bearer=wife)
    assert other["taxRecords"]["totalCount"] == 0
