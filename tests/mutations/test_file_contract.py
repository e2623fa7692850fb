"""fileContract: every check of DESIGN §2 step 5, each with its code; success generates the advance notice."""

from __future__ import annotations

from datetime import date

import pytest

from domain.models import Contract, Event, Permit, Registration
from tests import ids
from tests.mutations.conftest import error_codes
from tests.seizures import seize
from tests.support import token


async def _not_filed() -> bool:
    return (
        await Contract.filter(status="FILED").count() == 0
        and await Registration.all().count() <= 1  # at most a seizure written by the test
        and await Event.filter(type="CONTRACT_FILED").count() == 0
    )


async def test_filing_numbers_the_contract_and_generates_the_advance_notice(sale, unit):
    contract = await sale.funded_contract(
        unit["id"], buyer_tokens={ids.ZHANG_SAN: sale.actors.zhang, ids.LI_SI: sale.actors.li}
    )
    payload = await sale.file(contract["id"])
    assert payload["userErrors"] == []
    filed, registration = payload["contract"], payload["advanceRegistration"]
    assert filed["status"] == "FILED" and filed["number"].endswith("-0000001") and filed["filedAt"]
    assert [p["name"] for p in registration["rightHolders"]] == ["张三", "李四"]
    form = registration["applicationForm"]
    assert form["property"]["unitCode"] == unit["unitCode"]
    assert form["obligor"]["idNumber"] == ids.DEVELOPER
    assert form["ownershipForm"] == "共同共有"
    assert await Event.filter(type="CONTRACT_FILED").count() == 1


async def test_housing_may_file_too(sale, unit):
    contract = await sale.funded_contract(unit["id"])
    assert (await sale.file(contract["id"], bearer=sale.actors.housing))["userErrors"] == []


@pytest.mark.parametrize(
    "role, party, code",
    [
        ("DEVELOPER", ids.OTHER_DEVELOPER, "NOT_FOUND"),
        ("BUYER", ids.ZHANG_SAN, "FORBIDDEN"),
        ("BANK", ids.BANK, "FORBIDDEN"),
        ("REGISTRAR", None, "FORBIDDEN"),
    ],
)
async def test_only_the_seller_or_housing_files(sale, unit, role, party, code):
    contract = await sale.funded_contract(unit["id"])
    payload = await sale.file(contract["id"], bearer=token(role, party, ["ca", "face"]))
    assert error_codes(payload) == [code]  # NOT_FOUND: the other developer may not see the contract
    assert await _not_filed()


async def test_signatures_missing(sale, unit):
    drafted = (await sale.draft(unit["id"]))["contract"]
    await sale.sign(drafted["id"], drafted["documentHash"], sale.actors.zhang)
    await sale.deposit(drafted["id"], "PRESALE_SUPERVISED", "300000.00", "S")
    await sale.deposit(drafted["id"], "MAINTENANCE", "7160.00", "M")
    assert error_codes(await sale.file(drafted["id"])) == ["SIGNATURES_MISSING"]
    assert await _not_filed()


async def test_funds_not_deposited(sale, unit):
    contract = await sale.signed_contract(unit["id"])
    await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "299999.99", "S")
    await sale.deposit(contract["id"], "MAINTENANCE", "7160.00", "M")
    assert error_codes(await sale.file(contract["id"])) == ["FUNDS_NOT_DEPOSITED"]
    await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "0.01", "S2")
    assert (await sale.file(contract["id"]))["userErrors"] == []


async def test_maintenance_fund_unpaid(sale, unit):
    contract = await sale.signed_contract(unit["id"])
    await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "300000.00", "S")
    await sale.deposit(contract["id"], "MAINTENANCE", "7159.99", "M")
    assert error_codes(await sale.file(contract["id"])) == ["MAINTENANCE_FUND_UNPAID"]
    assert await _not_filed()


async def test_a_current_sale_needs_no_supervised_money(sale):
    permit = (await sale.issue_permit(number="现售-1", units=1, sale_type="CURRENT_SALE"))["permit"]
    unit = permit["properties"]["edges"][0]["node"]
    contract = await sale.signed_contract(unit["id"])
    await sale.deposit(contract["id"], "MAINTENANCE", "7160.00", "M")
    assert (await sale.file(contract["id"]))["userErrors"] == []


async def test_permit_invalid(sale, unit):
    contract = await sale.funded_contract(unit["id"])
    await Permit.all().update(status="REVOKED")
    assert error_codes(await sale.file(contract["id"])) == ["PERMIT_INVALID"]
    assert await _not_filed()


async def test_encumbered_by_a_seizure_until_it_expires(sale, unit):
    contract = await sale.funded_contract(unit["id"])
    seizure = await seize(unit["id"])
    assert error_codes(await sale.file(contract["id"])) == ["ENCUMBERED"]
    assert await _not_filed()
    await Registration.filter(id=seizure.id).update(effective_until=date(2020, 1, 1))
    assert (await sale.file(contract["id"]))["userErrors"] == []


async def test_already_sold_to_another_buyer(sale, unit):
    first = await sale.funded_contract(unit["id"])
    second = await sale.funded_contract(unit["id"], buyer_tokens={ids.LI_SI: sale.actors.li})
    assert (await sale.file(first["id"]))["userErrors"] == []
    assert error_codes(await sale.file(second["id"])) == ["ALREADY_SOLD"]
    assert await Contract.filter(status="FILED").count() == 1
    assert await Event.filter(type="CONTRACT_FILED").count() == 1


async def test_a_filed_contract_is_not_filed_again(sale, unit):
    contract = await sale.funded_contract(unit["id"])
    await sale.file(contract["id"])
    assert error_codes(await sale.file(contract["id"])) == ["INVALID_STATE"]


async def test_contract_numbers_are_consecutive(sale):
    _, units = await sale.permit_with_units(units=3)
    numbers = [(await sale.filed_contract(u["id"]))[0]["number"] for u in units]
    assert [n[-7:] for n in numbers] == ["0000001", "0000002", "0000003"]
