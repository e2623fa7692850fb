"""Combined loans (组合贷, issue 14 item 5): given a contract naming a bank and the provident fund
centre, when each lender approves, the borrowers sign and each applies its advance mortgage, then
first registration converts both, and neither lender sees the other's terms."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from domain.models import Certificate, ContractLender, Mortgage, Registration
from tests import ids
from tests.combined import LENDERS, PROVIDENT_FUND_NAME, CombinedLife
from tests.mutations.conftest import error_codes, error_fields
from tests.support import token


@pytest.fixture
async def life(gql):
    return await CombinedLife(gql).setup()


@pytest.fixture
async def units(life):
    _, units = await life.permit_with_units(units=2)
    return units


@pytest.fixture
async def pre_registered(life, units):
    return await life.pre_registered(units[0]["id"])


# ---------------------------------------------------------------- draftContract / reviseContract


async def test_a_combined_loan_names_a_bank_and_the_provident_fund(life, units):
    drafted = await life.draft(units[0]["id"])
    assert drafted["userErrors"] == []
    contract = drafted["contract"]
    assert [p["idNumber"] for p in contract["lenders"]] == LENDERS
    assert contract["lenders"][1]["name"] == PROVIDENT_FUND_NAME
    assert contract["lender"] == {"idNumber": ids.BANK}  # the first
    # The signed text names both lenders, and its hash is the document hash.
    assert f'"lenders":["{ids.BANK}","{ids.PROVIDENT_FUND}"]' in contract["text"]
    assert hashlib.sha256(contract["text"].encode()).hexdigest() == contract["documentHash"]
    rows = await ContractLender.all().order_by("position").values_list("party__id_number", "position")
    assert rows == [(ids.BANK, 0), (ids.PROVIDENT_FUND, 1)]


async def test_the_lenders_are_terms_the_parties_sign(life, units):
    combined = (await life.draft(units[0]["id"]))["contract"]
    swapped = (await life.draft(units[1]["id"], lenders=[ids.PROVIDENT_FUND, ids.BANK]))["contract"]
    assert [p["idNumber"] for p in swapped["lenders"]] == [ids.PROVIDENT_FUND, ids.BANK]
    assert swapped["lender"] == {"idNumber": ids.PROVIDENT_FUND}
    assert combined["documentHash"] != swapped["documentHash"]


async def test_one_lender_keeps_its_text_whichever_field_names_it(life, units):
    by_list = (await life.draft(units[0]["id"], payment_method="COMMERCIAL_LOAN", lenders=[ids.BANK]))["contract"]
    assert [p["idNumber"] for p in by_list["lenders"]] == [ids.BANK] and '"lenders"' not in by_list["text"]
    by_field = (await life.draft(units[1]["id"], payment_method="COMMERCIAL_LOAN", lender=ids.BANK, lenders=None))[
        "contract"
    ]
    assert [p["idNumber"] for p in by_field["lenders"]] == [ids.BANK]
    assert hashlib.sha256(by_field["text"].encode()).hexdigest() == by_field["documentHash"]


@pytest.mark.parametrize(
    "method, lender, lenders, code, field",
    [
        ("COMBINED_LOAN", None, [ids.BANK], "INVALID_INPUT", ["input", "lenders"]),
        ("COMBINED_LOAN", ids.BANK, None, "INVALID_INPUT", ["input", "lenders"]),
        ("COMBINED_LOAN", None, [], "INVALID_INPUT", ["input", "lenders"]),
        ("COMBINED_LOAN", None, [ids.BANK, ids.OTHER_BANK], "INVALID_INPUT", ["input", "lenders", "1"]),
        ("COMBINED_LOAN", None, [ids.BANK, ids.BANK], "INVALID_INPUT", ["input", "lenders", "1"]),
        ("COMBINED_LOAN", None, [ids.BANK, ids.PROVIDENT_FUND, ids.OTHER_BANK], "INVALID_INPUT", ["input", "lenders"]),
        ("COMBINED_LOAN", ids.PROVIDENT_FUND, LENDERS, "INVALID_INPUT", ["input", "lenderIdNumber"]),
        ("COMBINED_LOAN", None, [ids.BANK, "91411500MA000000X"], "INVALID_INPUT", ["input", "lenders", "1"]),
        ("COMBINED_LOAN", None, [ids.BANK, "9" * 19], "INVALID_INPUT", ["input", "lenders", "1"]),
        (
            "COMBINED_LOAN",
            None,
            [ids.BANK, ids.credit_code("12411500MA0000099")],
            "NOT_FOUND",
            ["input", "lenders", "1"],
        ),
        ("COMMERCIAL_LOAN", None, LENDERS, "INVALID_INPUT", ["input", "lenders"]),
        ("PROVIDENT_FUND_LOAN", None, LENDERS, "INVALID_INPUT", ["input", "lenders"]),
        ("FULL_PAYMENT", None, [ids.BANK], "INVALID_INPUT", ["input", "lenders"]),
    ],
)
async def test_lenders_must_fit_the_payment_method(life, units, method, lender, lenders, code, field):
    payload = await life.draft(units[0]["id"], payment_method=method, lender=lender, lenders=lenders)
    assert error_fields(payload) == [(code, field)]
    assert await ContractLender.all().count() == 0


async def test_revising_changes_the_lenders(life, units):
    contract = (await life.draft(units[0]["id"], payment_method="COMMERCIAL_LOAN", lenders=[ids.BANK]))["contract"]
    revised = await life.call(
        """mutation($input: ReviseContractInput!) { reviseContract(input: $input) {
             contract { documentHash lender { idNumber } lenders { idNumber } }
             userErrors { code field message } } }""",
        "reviseContract",
        {
            "contractId": contract["id"],
            "buyers": [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
            "price": "1000000.00",
            "downPayment": "300000.00",
            "paymentMethod": "COMBINED_LOAN",
            "deliveryWithCertificate": True,
            "lenders": [ids.PROVIDENT_FUND, ids.BANK],
        },
        life.actors.developer,
    )
    assert revised["userErrors"] == []
    assert [p["idNumber"] for p in revised["contract"]["lenders"]] == [ids.PROVIDENT_FUND, ids.BANK]
    assert revised["contract"]["lender"] == {"idNumber": ids.PROVIDENT_FUND}
    assert revised["contract"]["documentHash"] != contract["documentHash"]
    assert await ContractLender.all().count() == 2


async def test_both_lenders_read_the_contract_and_a_third_does_not(life, units):
    contract = (await life.draft(units[0]["id"]))["contract"]
    query = "query($id: ID!) { node(id: $id) { ... on Contract { id lenders { idNumber } } } }"
    for bearer in (life.actors.bank, life.fund):
        assert (await life.client.data(query, {"id": contract["id"]}, bearer=bearer))["node"]["id"] == contract["id"]
    assert (await life.client.data(query, {"id": contract["id"]}, bearer=life.actors.other_bank))["node"] is None


# ---------------------------------------------------------------- approveMortgage, one loan per lender


async def test_each_lender_approves_its_own_loan_within_the_price_less_down_payment(life, pre_registered):
    contract, _ = pre_registered
    bank = await life.approve(contract["id"], principal="500000.00", bearer=life.actors.bank)
    assert bank["userErrors"] == [] and bank["mortgage"]["lender"]["name"] == "息县农村商业银行"
    assert error_codes(await life.approve(contract["id"], principal="1.00", bearer=life.actors.bank)) == ["DUPLICATE"]
    # 500,000 + 200,000.01 > 1,000,000 − 300,000
    assert error_fields(await life.approve(contract["id"], principal="200000.01", bearer=life.fund)) == [
        ("INVALID_INPUT", ["input", "principal"])
    ]
    fund = await life.approve(contract["id"], principal="200000.00", bearer=life.fund)
    assert fund["userErrors"] == [] and fund["mortgage"]["lender"]["name"] == PROVIDENT_FUND_NAME
    assert [b["name"] for b in fund["mortgage"]["borrowers"]] == ["张三"]
    assert error_codes(await life.approve(contract["id"], principal="1.00", bearer=life.fund)) == ["DUPLICATE"]
    rows = await Mortgage.all().order_by("id").values_list("lender__id_number", "principal")
    assert [(n, str(p)) for n, p in rows] == [(ids.BANK, "500000.00"), (ids.PROVIDENT_FUND, "200000.00")]


@pytest.mark.parametrize(
    "role, party, code",
    [
        ("BANK", ids.OTHER_BANK, "NOT_FOUND"),  # not chosen: the contract is not its to see
        ("PROVIDENT_FUND", ids.OTHER_BANK, "NOT_FOUND"),
        ("DEVELOPER", ids.DEVELOPER, "FORBIDDEN"),
        ("TAX", None, "FORBIDDEN"),
        ("BUYER", ids.ZHANG_SAN, "FORBIDDEN"),
    ],
)
async def test_only_the_contracts_lenders_approve(life, pre_registered, role, party, code):
    contract, _ = pre_registered
    assert error_codes(await life.approve(contract["id"], bearer=token(role, party, ["ca", "face"]))) == [code]
    assert await Mortgage.all().count() == 0


async def test_one_face_token_signs_both_and_each_lender_applies_its_own(life, pre_registered):
    contract, _ = pre_registered
    bank, fund = await life.combined_mortgages(contract["id"], [life.actors.zhang])
    assert [m.status for m in await Mortgage.all().order_by("id")] == ["ADVANCE_REGISTERED", "ADVANCE_REGISTERED"]
    advance = await Registration.filter(kind="ADVANCE_MORTGAGE", right_status="IN_FORCE").order_by("id")
    assert [r.mortgage_id for r in advance] == [
        (await Mortgage.get(lender__id_number=ids.BANK)).id,
        (await Mortgage.get(lender__id_number=ids.PROVIDENT_FUND)).id,
    ]
    # Neither lender applies the other's.
    assert error_codes(await life.advance_mortgage(fund["id"], bearer=life.actors.bank)) == ["NOT_FOUND"]
    assert error_codes(await life.advance_mortgage(bank["id"], bearer=life.fund)) == ["NOT_FOUND"]


async def test_first_registration_converts_both_in_the_order_they_were_registered(life, units):
    permit_units = units
    contract, _ = await life.pre_registered(permit_units[0]["id"])
    # The fund registers its advance mortgage first this time: it converts first.
    bank = (await life.approve(contract["id"], principal="400000.00", bearer=life.actors.bank))["mortgage"]
    fund = (await life.approve(contract["id"], principal="300000.00", bearer=life.fund))["mortgage"]
    for mortgage in (bank, fund):
        assert (await life.sign_mortgage(mortgage["id"], life.actors.zhang))["userErrors"] == []
    assert (await life.advance_mortgage(fund["id"], bearer=life.fund))["userErrors"] == []
    assert (await life.advance_mortgage(bank["id"], bearer=life.actors.bank))["userErrors"] == []
    query = "query($code: String!) { property(unitCode: $code) { permit { id } } }"
    data = await life.client.data(query, {"code": permit_units[0]["unitCode"]}, bearer=life.actors.registrar)
    permit = data["property"]["permit"]
    await life.pay_all(contract["id"])
    assert (await life.accept_completion(permit["id"]))["userErrors"] == []
    applied = await life.first_registration(permit["id"])
    assert applied["userErrors"] == [], applied
    mortgages = await Registration.filter(kind="MORTGAGE").order_by("id")
    fund_row = await Mortgage.get(lender__id_number=ids.PROVIDENT_FUND)
    bank_row = await Mortgage.get(lender__id_number=ids.BANK)
    assert [r.mortgage_id for r in mortgages] == [fund_row.id, bank_row.id]
    assert [r.right_status for r in mortgages] == ["IN_FORCE", "IN_FORCE"]
    assert [m.status for m in await Mortgage.all().order_by("id")] == ["REGISTERED", "REGISTERED"]
    # Their proofs were numbered in the same order.
    proofs = [await Certificate.get(registration_id=r.id) for r in mortgages]
    assert proofs[0].number < proofs[1].number


async def test_two_lenders_approving_at_once_never_lend_more_than_the_price_less_down_payment(life, pre_registered):
    contract, _ = pre_registered
    results = await asyncio.gather(
        life.approve(contract["id"], principal="400000.00", bearer=life.actors.bank),
        life.approve(contract["id"], principal="400000.00", bearer=life.fund),
    )
    assert sorted(tuple(error_codes(r)) for r in results) == [(), ("INVALID_INPUT",)]
    assert [str(p) for p in await Mortgage.all().values_list("principal", flat=True)] == ["400000.00"]
