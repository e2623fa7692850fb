"""recordFundDeposit: the supervising bank records buyers' payments; any bank or HOUSING the maintenance fund."""

from __future__ import annotations

import pytest

from domain.models import Event, FundDeposit
from tests import ids
from tests.mutations.conftest import error_fields
from tests.support import token


@pytest.fixture
async def contract(sale):
    _, units = await sale.permit_with_units()
    return await sale.signed_contract(units[0]["id"])


async def test_the_supervising_bank_records_a_payment(sale, contract):
    payload = await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "300000.00", "B-1")
    assert payload["userErrors"] == []
    assert payload["deposit"] == {
        "id": payload["deposit"]["id"],
        "kind": "PRESALE_SUPERVISED",
        "amount": "300000.00",
        "bankReference": "B-1",
    }
    assert payload["contract"]["requiredSupervisedAmount"] == "300000.00"
    assert payload["contract"]["requiredMaintenanceFund"] == "7160.00"
    assert await Event.filter(type="FUNDS_DEPOSITED").count() == 1


@pytest.mark.parametrize(
    "bearer_args, error",
    [
        (("BANK", ids.OTHER_BANK), ("NOT_FOUND", ["input", "contractId"])),
        (("HOUSING", None), ("FORBIDDEN", None)),
        (("TAX", None), ("FORBIDDEN", None)),
        (("BUYER", ids.ZHANG_SAN), ("FORBIDDEN", None)),
    ],
)
async def test_only_the_supervising_bank_records_supervised_payments(sale, contract, bearer_args, error):
    payload = await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "1.00", "X", bearer=token(*bearer_args))
    assert error_fields(payload) == [error]
    assert await FundDeposit.all().count() == 0


@pytest.mark.parametrize("bearer_args", [("BANK", ids.OTHER_BANK), ("HOUSING", None)])
async def test_any_bank_or_housing_records_the_maintenance_fund(sale, contract, bearer_args):
    payload = await sale.deposit(contract["id"], "MAINTENANCE", "7160.00", "M-1", bearer=token(*bearer_args))
    assert payload["userErrors"] == []


@pytest.mark.parametrize("bearer_args", [("DEVELOPER", ids.DEVELOPER), ("REGISTRAR", None)])
async def test_others_may_not_record_the_maintenance_fund(sale, contract, bearer_args):
    payload = await sale.deposit(contract["id"], "MAINTENANCE", "7160.00", "M-1", bearer=token(*bearer_args))
    assert error_fields(payload) == [("FORBIDDEN", None)]


@pytest.mark.parametrize("amount", ["0", "-10.00", "100.001"])
async def test_the_amount_is_positive_with_two_decimals(sale, contract, amount):
    payload = await sale.deposit(contract["id"], "PRESALE_SUPERVISED", amount, "B-1")
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "amount"])]


async def test_a_bank_reference_is_recorded_once(sale, contract):
    await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "100.00", "B-1")
    payload = await sale.deposit(contract["id"], "PRESALE_SUPERVISED", "100.00", "B-1")
    assert error_fields(payload) == [("DUPLICATE", ["input", "bankReference"])]
    assert await FundDeposit.all().count() == 1
