"""recordTaxPayment: TAX records the exact assessed amount against a unique voucher."""

from __future__ import annotations

import pytest

from domain.models import Event, TaxRecord
from tests import ids
from tests.support import token

ASSESS = (
    "mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) { taxRecords { id amount } userErrors { code } } }"
)
PAY = """mutation($id: ID!, $amount: Decimal!, $voucher: String!) {
  recordTaxPayment(input: {taxRecordId: $id, amount: $amount, voucherNumber: $voucher}) {
    taxRecord { status paidAt voucherNumber amount } userErrors { code field message } } }"""


@pytest.fixture
async def assessed(sale):
    _, units = await sale.permit_with_units(units=1)
    contract, _ = await sale.filed_contract(units[0]["id"])
    records = (await sale.client.data(ASSESS, {"id": contract["id"]}, bearer=sale.actors.tax))["assessDeedTax"][
        "taxRecords"
    ]
    return contract, records[0]


async def _pay(sale, record_id, amount, voucher="完税-0001", bearer=None):
    data = await sale.client.data(
        PAY, {"id": record_id, "amount": amount, "voucher": voucher}, bearer=bearer or sale.actors.tax
    )
    return data["recordTaxPayment"]


async def test_payment_of_the_assessed_amount_marks_it_paid(sale, assessed):
    contract, record = assessed
    payload = await _pay(sale, record["id"], record["amount"])
    assert payload["userErrors"] == []
    paid = payload["taxRecord"]
    assert (paid["status"], paid["voucherNumber"]) == ("PAID", "完税-0001") and paid["paidAt"]
    assert await Event.filter(type="TAX_PAID").count() == 1
    listed = await sale.client.data(
        '{ taxRecords(filter: {status: PAID, taxpayerIdNumber: "%s"}) { totalCount } }' % ids.ZHANG_SAN,
        bearer=sale.actors.tax,
    )
    assert listed["taxRecords"]["totalCount"] == 1
    on_contract = await sale.client.data(
        '{ contract(number: "%s") { taxRecords { status } } }' % contract["number"], bearer=sale.actors.zhang
    )
    assert on_contract["contract"]["taxRecords"] == [{"status": "PAID"}]


@pytest.mark.parametrize("amount", ["9999.99", "10000.01"])
async def test_any_other_amount_is_refused(sale, assessed, amount):
    _, record = assessed
    payload = await _pay(sale, record["id"], amount)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", ["input", "amount"])]
    assert (await TaxRecord.get()).status == "ASSESSED"


async def test_a_voucher_is_used_once(sale):
    _, units = await sale.permit_with_units(units=2)
    records = []
    for unit in units:
        contract, _ = await sale.filed_contract(unit["id"])
        records += (await sale.client.data(ASSESS, {"id": contract["id"]}, bearer=sale.actors.tax))["assessDeedTax"][
            "taxRecords"
        ]
    await _pay(sale, records[0]["id"], records[0]["amount"], voucher="V-1")
    payload = await _pay(sale, records[1]["id"], records[1]["amount"], voucher="V-1")
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("DUPLICATE", ["input", "voucherNumber"])]


async def test_a_paid_or_cancelled_record_takes_no_payment(sale, assessed):
    contract, record = assessed
    await _pay(sale, record["id"], record["amount"], voucher="V-1")
    again = await _pay(sale, record["id"], record["amount"], voucher="V-2")
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    reassessed = await sale.client.data(ASSESS, {"id": contract["id"]}, bearer=sale.actors.tax)
    assert [e["code"] for e in reassessed["assessDeedTax"]["userErrors"]] == ["INVALID_STATE"]


@pytest.mark.parametrize(
    "role, party", [("BUYER", ids.ZHANG_SAN), ("HOUSING", None), ("BANK", ids.BANK), ("REGISTRAR", None)]
)
async def test_only_the_tax_bureau_records_payments(sale, assessed, role, party):
    _, record = assessed
    payload = await _pay(sale, record["id"], record["amount"], bearer=token(role, party, ["face", "ca"]))
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert (await TaxRecord.get()).status == "ASSESSED"
