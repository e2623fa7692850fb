"""assessDeedTax: one record per buyer from the contract and the family's homes (DESIGN §3)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from domain.models import Event, TaxRecord
from tests import ids
from tests.families import HUSBAND, NAMES, WIFE, family, owned_home
from tests.story import property_input
from tests.support import token

ASSESS = """mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) {
  taxRecords { id status familyHomesBefore taxableAmount rate amount taxpayer { name } contract { number }
  property { unitCode } }
  userErrors { code field message } } }"""


_permits = itertools.count()


async def _filed(sale, area="89.50", usage="RESIDENTIAL", buyers=None, price="1000000.00"):
    payload = await sale.issue_permit(number=f"P-{next(_permits)}", properties=[property_input(area=area, usage=usage)])
    unit = payload["permit"]["properties"]["edges"][0]["node"]
    buyers = buyers or [{"idNumber": ids.ZHANG_SAN, "name": "张三"}]
    tokens = {b["idNumber"]: token("BUYER", b["idNumber"], ["face"]) for b in buyers}
    contract, _ = await sale.filed_contract(unit["id"], buyer_tokens=tokens, buyers=buyers, price=price)
    return contract


async def _assess(sale, contract_id, bearer=None):
    return (await sale.client.data(ASSESS, {"id": contract_id}, bearer=bearer or sale.actors.tax))["assessDeedTax"]


@pytest.mark.parametrize(
    "area, owned_before, rate, amount",
    [
        ("140.00", 0, "0.0100", "10000.00"),
        ("140.01", 0, "0.0150", "15000.00"),
        ("140.00", 1, "0.0100", "10000.00"),
        ("140.01", 1, "0.0200", "20000.00"),
        ("90.00", 2, "0.0300", "30000.00"),
    ],
)
async def test_the_rate_follows_area_and_family_homes(sale, area, owned_before, rate, amount):
    await family()
    for _ in range(owned_before):
        await owned_home(WIFE)
    contract = await _filed(sale, area=area, buyers=[{"idNumber": HUSBAND, "name": NAMES[HUSBAND]}])
    payload = await _assess(sale, contract["id"])
    [record] = payload["taxRecords"]
    assert (record["familyHomesBefore"], record["rate"], record["amount"]) == (owned_before, rate, amount)
    assert record["taxableAmount"] == "1000000.00" and record["status"] == "ASSESSED"


async def test_a_shop_pays_the_provincial_rate(sale):
    contract = await _filed(sale, usage="COMMERCIAL")
    [record] = (await _assess(sale, contract["id"]))["taxRecords"]
    assert (record["rate"], record["amount"]) == ("0.0300", "30000.00")


async def test_joint_owners_share_equally(sale):
    contract = await _filed(
        sale,
        buyers=[{"idNumber": ids.ZHANG_SAN, "name": "张三"}, {"idNumber": ids.LI_SI, "name": "李四"}],
        price="1234567.89",
    )
    records = (await _assess(sale, contract["id"]))["taxRecords"]
    assert [(r["taxpayer"]["name"], r["taxableAmount"], r["amount"]) for r in records] == [
        ("张三", "617283.95", "6172.84"),
        ("李四", "617283.95", "6172.84"),
    ]


async def test_explicit_shares_are_taxed_on_each_share(sale):
    contract = await _filed(
        sale,
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.7"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.3"},
        ],
    )
    records = (await _assess(sale, contract["id"]))["taxRecords"]
    assert [(r["taxableAmount"], r["amount"]) for r in records] == [("700000.00", "7000.00"), ("300000.00", "3000.00")]


async def test_each_buyer_counts_their_own_family(sale):
    await family()
    await owned_home(WIFE)
    contract = await _filed(
        sale,
        area="150.00",
        buyers=[{"idNumber": HUSBAND, "name": NAMES[HUSBAND]}, {"idNumber": ids.ZHANG_SAN, "name": "张三"}],
    )
    records = (await _assess(sale, contract["id"]))["taxRecords"]
    assert [(r["familyHomesBefore"], r["rate"]) for r in records] == [(1, "0.0200"), (0, "0.0150")]


async def test_the_contract_assessed_does_not_count_itself_but_other_filed_ones_do(sale):
    first = await _filed(sale)
    second = await _filed(sale)
    [record] = (await _assess(sale, second["id"]))["taxRecords"]
    assert record["familyHomesBefore"] == 1
    [record] = (await _assess(sale, first["id"]))["taxRecords"]
    assert record["familyHomesBefore"] == 1


async def test_reassessment_cancels_the_earlier_records(sale):
    contract = await _filed(sale)
    first = (await _assess(sale, contract["id"]))["taxRecords"][0]
    second = (await _assess(sale, contract["id"]))["taxRecords"][0]
    assert first["id"] != second["id"]
    statuses = dict(await TaxRecord.all().values_list("id", "status"))
    assert sorted(statuses.values()) == ["ASSESSED", "CANCELLED"]
    assert await Event.filter(type="TAX_ASSESSED").count() == 2


async def test_a_buyer_may_self_declare_for_their_own_contract_only(sale):
    contract = await _filed(sale)
    assert (await _assess(sale, contract["id"], bearer=sale.actors.zhang))["userErrors"] == []
    refused = await _assess(sale, contract["id"], bearer=sale.actors.li)
    # Li may not see Zhang's contract: answered as for a contract that does not exist.
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "role, party", [("HOUSING", None), ("REGISTRAR", None), ("BANK", ids.BANK), ("DEVELOPER", ids.DEVELOPER)]
)
async def test_other_roles_may_not_assess(sale, role, party):
    contract = await _filed(sale)
    payload = await _assess(sale, contract["id"], bearer=token(role, party, ["ca"]))
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert await TaxRecord.all().count() == 0


async def test_only_a_filed_contract_is_assessed(sale):
    _, units = await sale.permit_with_units(units=1)
    contract = await sale.signed_contract(units[0]["id"])
    payload = await _assess(sale, contract["id"])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_STATE", ["input", "contractId"])]


async def test_money_stays_decimal_end_to_end(sale):
    contract = await _filed(sale, price="999999.99")
    [record] = (await _assess(sale, contract["id"]))["taxRecords"]
    stored = await TaxRecord.get()
    assert isinstance(stored.amount, Decimal) and str(stored.amount) == record["amount"] == "10000.00"
