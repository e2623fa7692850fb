"""assessSellerTaxes (DESIGN §7): one VAT and one INDIVIDUAL_INCOME_TAX record per seller, on
price × share, from how long the seller has held the home (from the ownership registration)
and whether it is the family's only home. Hand-worked cases on a price of 1,000,000.00:

- VAT, held under 2 years: 1,000,000 ÷ 1.05 × 5 % = 47,619.047… → 47,619.05; exempt from 2 years.
- income tax: 1 % = 10,000.00, exempt only held 5 years and the family's only home.
- shares 0.6 / 0.4 held 1 year: VAT 28,571.43 / 19,047.62 (600,000 ÷ 1.05 × 5 %, 400,000 ÷ 1.05 × 5 %),
  income tax 6,000.00 / 4,000.00.
"""

from __future__ import annotations

import pytest

from tests import ids
from tests.mutations.conftest import error_codes
from tests.resale import Resale, held_since
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Resale(gql).setup()


async def _resold(life, years: float, **home) -> dict:
    unit, _, transfer = await life.registered_home(**home)
    await held_since(transfer["id"], years)
    return unit


def _by_kind(records: list[dict]) -> dict[tuple[str, str], str]:
    return {(r["taxpayer"]["idNumber"], r["kind"]): r["amount"] for r in records}


@pytest.mark.parametrize(
    ("years", "vat", "income_tax"),
    [(1, "47619.05", "10000.00"), (3, "0.00", "10000.00"), (6, "0.00", "0.00")],
)
async def test_the_only_home_held_1_3_and_6_years(life, years, vat, income_tax):
    unit = await _resold(life, years)
    contract = await life.filed_resale(unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    assessed = await life.seller_taxes(contract["id"])
    assert assessed["userErrors"] == []
    assert _by_kind(assessed["taxRecords"]) == {
        (ids.ZHANG_SAN, "VAT"): vat,
        (ids.ZHANG_SAN, "INDIVIDUAL_INCOME_TAX"): income_tax,
    }
    assert {r["familyHomesBefore"] for r in assessed["taxRecords"]} == {1}
    assert {r["status"] for r in assessed["taxRecords"]} == {"ASSESSED"}


async def test_held_6_years_but_not_the_only_home_pays_income_tax(life):
    unit = await _resold(life, 6)
    _, others = await life.permit_with_units(units=1)
    await life.pre_registered(others[0]["id"])  # 张三 bought a second home
    contract = await life.filed_resale(unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    records = (await life.seller_taxes(contract["id"]))["taxRecords"]
    assert _by_kind(records) == {(ids.ZHANG_SAN, "VAT"): "0.00", (ids.ZHANG_SAN, "INDIVIDUAL_INCOME_TAX"): "10000.00"}
    assert {r["familyHomesBefore"] for r in records} == {2}


async def test_each_seller_is_taxed_on_their_share(life):
    unit = await _resold(
        life,
        1,
        buyer_tokens={ids.ZHANG_SAN: life.actors.zhang, ids.LI_SI: life.actors.li},
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.6"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
        ],
    )
    contract = await life.filed_resale(unit["id"], [life.actors.zhang, life.actors.li], {ids.WANG_WU: life.actors.wang})
    # A seller declares for their own contract, and sees their own records only.
    declared = await life.seller_taxes(contract["id"], bearer=life.actors.li)
    assert declared["userErrors"] == []
    assert _by_kind(declared["taxRecords"]) == {
        (ids.LI_SI, "VAT"): "19047.62",
        (ids.LI_SI, "INDIVIDUAL_INCOME_TAX"): "4000.00",
    }
    assessed = await life.seller_taxes(contract["id"])
    assert _by_kind(assessed["taxRecords"]) == {
        (ids.ZHANG_SAN, "VAT"): "28571.43",
        (ids.ZHANG_SAN, "INDIVIDUAL_INCOME_TAX"): "6000.00",
        (ids.LI_SI, "VAT"): "19047.62",
        (ids.LI_SI, "INDIVIDUAL_INCOME_TAX"): "4000.00",
    }


async def test_assessing_again_replaces_the_unpaid_records_and_leaves_deed_tax_alone(life):
    unit = await _resold(life, 1)
    contract = await life.filed_resale(unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    deed = await life.assess(contract["id"])
    first = (await life.seller_taxes(contract["id"]))["taxRecords"]
    second = (await life.seller_taxes(contract["id"]))["taxRecords"]
    assert {r["id"] for r in first}.isdisjoint({r["id"] for r in second})
    from domain.models import TaxRecord
    from resolvers.ids import from_global_id

    statuses = {
        r.id: r.status.value
        for r in await TaxRecord.filter(id__in=[from_global_id(r["id"])[1] for r in [*first, *second, *deed]])
    }
    assert [statuses[from_global_id(r["id"])[1]] for r in first] == ["CANCELLED", "CANCELLED"]
    assert [statuses[from_global_id(r["id"])[1]] for r in second] == ["ASSESSED", "ASSESSED"]
    assert [statuses[from_global_id(r["id"])[1]] for r in deed] == ["ASSESSED"]
    # Deed tax assessed again leaves the sellers' records alone too.
    await life.assess(contract["id"])
    assert (await TaxRecord.get(id=from_global_id(second[0]["id"])[1])).status.value == "ASSESSED"


async def test_paid_taxes_are_not_assessed_again(life):
    unit = await _resold(life, 1)
    contract = await life.filed_resale(unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    records = (await life.seller_taxes(contract["id"]))["taxRecords"]
    await life.pay_records(records[:1])
    assert error_codes(await life.seller_taxes(contract["id"])) == ["INVALID_STATE"]


async def test_who_may_assess(life):
    unit = await _resold(life, 1)
    contract = await life.filed_resale(unit["id"], [life.actors.zhang], {ids.WANG_WU: life.actors.wang})
    # The buyer is no seller; strangers do not see the contract; banks and developers may not.
    assert error_codes(await life.seller_taxes(contract["id"], bearer=life.actors.wang)) == ["FORBIDDEN"]
    assert error_codes(await life.seller_taxes(contract["id"], bearer=life.actors.li)) == ["NOT_FOUND"]
    assert error_codes(await life.seller_taxes(contract["id"], bearer=life.actors.bank)) in (
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )
    assert error_codes(await life.seller_taxes(contract["id"], bearer=life.actors.developer)) in (
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )
    stranger = token("BUYER", ids.ZHAO_LIU, ["face"])
    assert error_codes(await life.seller_taxes(contract["id"], bearer=stranger)) == ["NOT_FOUND"]


async def test_only_a_filed_resale_is_assessed(life):
    unit = await _resold(life, 1)
    drafted = (await life.draft_resale(unit["id"], life.actors.zhang))["contract"]
    assert error_codes(await life.seller_taxes(drafted["id"])) == ["INVALID_STATE"]
    _, others = await life.permit_with_units(units=1)
    new_home, _ = await life.pre_registered(others[0]["id"])
    assert error_codes(await life.seller_taxes(new_home["id"])) == ["INVALID_STATE"]


async def test_a_missing_contract_is_not_found(life):
    from resolvers.ids import to_global_id

    assert error_codes(await life.seller_taxes(to_global_id("Contract", 999999))) == ["NOT_FOUND"]
