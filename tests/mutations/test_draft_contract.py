"""draftContract: the permit's developer drafts; every term is validated and names its field."""

from __future__ import annotations

import pytest

from domain.models import Contract, Event, Party, SharedPersonRecord
from tests import ids
from tests.mutations.conftest import error_fields
from tests.support import token


async def test_the_developer_drafts_a_contract_and_buyers_become_parties(sale, unit):
    payload = await sale.draft(
        unit["id"],
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.6"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
        ],
    )
    assert payload["userErrors"] == []
    contract = payload["contract"]
    assert contract["status"] == "DRAFT" and len(contract["documentHash"]) == 64
    assert [(b["party"]["name"], b["share"]) for b in contract["buyers"]] == [
        ("张三", "0.600000"),
        ("李四", "0.400000"),
    ]
    assert await Party.filter(kind="PERSON").count() == 2
    assert await Event.filter(type="CONTRACT_DRAFTED").count() == 1


async def test_different_terms_give_different_document_hashes(sale, unit):
    first = await sale.draft(unit["id"], price="1000000.00")
    second = await sale.draft(unit["id"], price="1000000.01")
    assert first["contract"]["documentHash"] != second["contract"]["documentHash"]


@pytest.mark.parametrize(
    "role, party", [("HOUSING", None), ("REGISTRAR", None), ("BANK", ids.BANK), ("BUYER", ids.ZHANG_SAN)]
)
async def test_other_roles_may_not_draft(sale, unit, role, party):
    payload = await sale.draft(unit["id"], bearer=token(role, party, ["face", "ca"]))
    assert error_fields(payload) == [("FORBIDDEN", None)]
    assert await Contract.all().count() == 0


async def test_another_developer_may_not_draft_on_this_permit(sale, unit):
    payload = await sale.draft(unit["id"], bearer=sale.actors.other_developer)
    assert error_fields(payload) == [("FORBIDDEN", None)]


@pytest.mark.parametrize(
    "buyers, field",
    [
        ([], ["input", "buyers"]),
        ([{"idNumber": "411528199903151233", "name": "张三"}], ["input", "buyers", "0", "idNumber"]),
        (
            [{"idNumber": ids.ZHANG_SAN, "name": "张三"}, {"idNumber": ids.ZHANG_SAN, "name": "张三"}],
            ["input", "buyers", "1", "idNumber"],
        ),
        ([{"idNumber": ids.ZHANG_SAN, "name": " "}], ["input", "buyers", "0", "name"]),
        (
            [
                {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.5"},
                {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
            ],
            ["input", "buyers"],
        ),
        (
            [{"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "1"}, {"idNumber": ids.LI_SI, "name": "李四"}],
            ["input", "buyers", "1", "share"],
        ),
        (
            [
                {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "-0.5"},
                {"idNumber": ids.LI_SI, "name": "李四", "share": "1.5"},
            ],
            ["input", "buyers", "0", "share"],
        ),
    ],
)
async def test_buyers_are_validated(sale, unit, buyers, field):
    payload = await sale.draft(unit["id"], buyers=buyers)
    assert error_fields(payload) == [("INVALID_INPUT", field)]
    assert await Contract.all().count() == 0 and await Party.filter(kind="PERSON").count() == 0


@pytest.mark.parametrize(
    "price, down_payment, field",
    [
        ("0", "0.01", ["input", "price"]),
        ("1000000.001", "300000.00", ["input", "price"]),
        ("1000000.00", "-1", ["input", "downPayment"]),
        ("1000000.00", "1000000.01", ["input", "downPayment"]),
    ],
)
async def test_money_is_positive_with_two_decimals_and_the_down_payment_within_the_price(
    sale, unit, price, down_payment, field
):
    payload = await sale.draft(unit["id"], price=price, down_payment=down_payment)
    assert error_fields(payload) == [("INVALID_INPUT", field)]


async def test_a_full_payment_has_no_lender(sale, unit):
    payload = await sale.draft(unit["id"], payment_method="FULL_PAYMENT", lender=ids.BANK)
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "lenderIdNumber"])]


async def test_the_lender_must_be_registered(sale, unit):
    payload = await sale.draft(unit["id"], lender=ids.PROVIDENT_FUND)
    assert error_fields(payload) == [("NOT_FOUND", ["input", "lenderIdNumber"])]


async def test_a_name_differing_from_shared_population_data_is_unverified(sale, unit):
    await SharedPersonRecord.create(id_number=ids.ZHANG_SAN, name="张叁", marital_status="SINGLE")
    payload = await sale.draft(unit["id"])
    assert error_fields(payload) == [("IDENTITY_UNVERIFIED", ["input", "buyers", "0", "name"])]


async def test_an_unknown_property_is_not_found(sale):
    from resolvers.ids import to_global_id

    assert error_fields(await sale.draft(to_global_id("Property", 999))) == [("NOT_FOUND", ["input", "propertyId"])]
    assert error_fields(await sale.draft("nonsense")) == [("INVALID_INPUT", ["input", "propertyId"])]


async def test_a_sold_home_takes_no_new_draft(sale, unit):
    await sale.filed_contract(unit["id"])
    payload = await sale.draft(unit["id"], buyers=[{"idNumber": ids.LI_SI, "name": "李四"}])
    assert error_fields(payload) == [("ALREADY_SOLD", ["input", "propertyId"])]
