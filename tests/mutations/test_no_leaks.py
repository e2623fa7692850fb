"""Issue 11, items 1 and 2: payloads pass the one visibility rule, and a mutation on what the
viewer may not see answers exactly as for an ID that never existed."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.models import Event, FundDeposit, TaxRecord
from resolvers.ids import to_global_id
from tests import ids
from tests.mutations.conftest import error_codes, error_fields
from tests.story import Life
from tests.support import token

NEVER = 987654  # no row has this primary key


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


@pytest.fixture
async def world(life):
    """Zhang's home: filed, advance notice in force, deed tax assessed, a mortgage with BANK."""
    permit, units = await life.permit_with_units(units=1)
    contract, registration = await life.pre_registered(units[0]["id"])
    [record] = await life.assess(contract["id"])
    mortgage = (await life.approve(contract["id"]))["mortgage"]
    return {
        "permit": permit,
        "unit": units[0],
        "contract": contract,
        "registration": registration,
        "tax_record": record,
        "mortgage": mortgage,
    }


# ------------------------------------------------------------------ item 1: payloads


async def test_a_bank_recording_the_maintenance_fund_of_another_banks_customer_learns_nothing(life, world):
    """Reproduction: the payload returned the whole contract (price, buyers, deposits)."""
    payload = await life.deposit(
        world["contract"]["id"], "MAINTENANCE", "100.00", "OTHER-M-1", bearer=life.actors.other_bank
    )
    assert payload["userErrors"] == []
    assert payload["deposit"] is None and payload["contract"] is None
    assert await FundDeposit.filter(bank_reference="OTHER-M-1").count() == 1  # recorded all the same


async def test_deposit_contract_of_an_unseen_contract_is_null_not_an_uncoded_error(life, world):
    """Reproduction: `deposit { contract { id } }` answered an uncoded error (non-null field got None)."""
    body = await life.client.execute(
        """mutation($input: RecordFundDepositInput!) { recordFundDeposit(input: $input) {
             deposit { id contract { id } } userErrors { code } } }""",
        {
            "input": {
                "contractId": world["contract"]["id"],
                "kind": "MAINTENANCE",
                "amount": "1.00",
                "bankReference": "OTHER-M-2",
            }
        },
        bearer=life.actors.other_bank,
    )
    assert "errors" not in body, body
    assert body["data"]["recordFundDeposit"] == {"deposit": None, "userErrors": []}


async def test_the_bank_that_may_see_the_contract_still_gets_it(life, world):
    payload = await life.deposit(world["contract"]["id"], "MAINTENANCE", "100.00", "MINE-M-1")
    assert payload["deposit"]["amount"] == "100.00" and payload["contract"]["id"] == world["contract"]["id"]


async def test_a_buyer_self_declaring_sees_only_their_own_tax_record(life):
    """assessDeedTax assesses every buyer; the declaring buyer's payload leaves the others' records out."""
    _, units = await life.permit_with_units(units=1)
    contract, _ = await life.filed_contract(
        units[0]["id"],
        buyer_tokens={ids.ZHANG_SAN: life.actors.zhang, ids.LI_SI: life.actors.li},
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.5"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.5"},
        ],
    )
    data = await life.client.data(
        (
            "mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) { taxRecords { taxpayer "
            "{ name } } userErrors { code } } }"
        ),
        {"id": contract["id"]},
        bearer=life.actors.zhang,
    )
    assert data["assessDeedTax"]["userErrors"] == []
    assert [r["taxpayer"]["name"] for r in data["assessDeedTax"]["taxRecords"]] == ["张三"]
    assert await TaxRecord.all().count() == 2  # both were assessed


def test_no_payload_builds_its_object_without_the_visibility_check():
    """Every payload object goes through payloads.shown/shown_all, never a bare from_row."""
    mutations = Path(__file__).resolve().parents[2] / "resolvers" / "mutations"
    bare = [p.name for p in mutations.glob("*.py") if "from_row(" in p.read_text(encoding="utf-8")]
    assert bare == []


# ------------------------------------------------------------------ item 2: no existence oracle

CONTRACT_TERMS = {
    "buyers": [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
    "price": "1000000.00",
    "downPayment": "300000.00",
    "paymentMethod": "FULL_PAYMENT",
    "deliveryWithCertificate": True,
}

# mutation, input type, target key in the world, GraphQL type, input field, other input, who tries, expected code
CASES = [
    (
        "reviseContract",
        "ReviseContractInput",
        "contract",
        "Contract",
        "contractId",
        CONTRACT_TERMS,
        "other_developer",
        "NOT_FOUND",
    ),
    (
        "signContract",
        "SignContractInput",
        "contract",
        "Contract",
        "contractId",
        {"documentHash": "0" * 64},
        "li",
        "NOT_FOUND",
    ),
    (
        "recordFundDeposit",
        "RecordFundDepositInput",
        "contract",
        "Contract",
        "contractId",
        {"kind": "PRESALE_SUPERVISED", "amount": "1.00", "bankReference": "X-1"},
        "other_bank",
        "NOT_FOUND",
    ),
    ("fileContract", "FileContractInput", "contract", "Contract", "contractId", {}, "other_developer", "NOT_FOUND"),
    (
        "cancelContract",
        "CancelContractInput",
        "contract",
        "Contract",
        "contractId",
        {"reason": "x"},
        "other_developer",
        "FORBIDDEN",
    ),
    (
        "submitAdvanceRegistration",
        "SubmitAdvanceRegistrationInput",
        "registration",
        "Registration",
        "registrationId",
        {"acceptDeliveryWithCertificate": True},
        "li",
        "NOT_FOUND",
    ),
    ("assessDeedTax", "AssessDeedTaxInput", "contract", "Contract", "contractId", {}, "li", "NOT_FOUND"),
    (
        "recordTaxPayment",
        "RecordTaxPaymentInput",
        "tax_record",
        "TaxRecord",
        "taxRecordId",
        {"amount": "1.00", "voucherNumber": "V-X"},
        "li",
        "FORBIDDEN",
    ),
    (
        "approveMortgage",
        "ApproveMortgageInput",
        "contract",
        "Contract",
        "contractId",
        {"principal": "100000.00", "termMonths": 120},
        "other_bank",
        "NOT_FOUND",
    ),
    ("signMortgage", "SignMortgageInput", "mortgage", "Mortgage", "mortgageId", {}, "li", "NOT_FOUND"),
    (
        "applyAdvanceMortgageRegistration",
        "ApplyAdvanceMortgageRegistrationInput",
        "mortgage",
        "Mortgage",
        "mortgageId",
        {},
        "other_bank",
        "NOT_FOUND",
    ),
    (
        "dischargeMortgage",
        "DischargeMortgageInput",
        "mortgage",
        "Mortgage",
        "mortgageId",
        {},
        "other_bank",
        "NOT_FOUND",
    ),
    (
        "recordCompletionAcceptance",
        "RecordCompletionAcceptanceInput",
        "permit",
        "PresalePermit",
        "permitId",
        {"acceptanceNumber": "A-1"},
        "other_developer",
        "FORBIDDEN",
    ),
    (
        "applyFirstRegistration",
        "ApplyFirstRegistrationInput",
        "permit",
        "PresalePermit",
        "permitId",
        {},
        "other_developer",
        "NOT_FOUND",
    ),
    (
        "releaseSeizure",
        "ReleaseSeizureInput",
        "registration",
        "Registration",
        "registrationId",
        {"documentNumber": "D-1"},
        "other_bank",
        "FORBIDDEN",
    ),
    (
        "registerSeizure",
        "RegisterSeizureInput",
        "unit",
        "Property",
        "propertyId",
        {"court": "息县人民法院", "documentNumber": "D-2", "until": "2099-01-01"},
        "other_bank",
        "FORBIDDEN",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
async def test_an_unseen_object_answers_as_one_that_never_existed(life, world, case):
    mutation, input_type, key, type_name, field, rest, who, code = case
    query = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code field message }} }} }}"
    bearer = getattr(life.actors, who)
    events = await Event.all().count()

    async def answer(global_id: str) -> list[dict]:
        data = await life.client.data(query, {"input": {field: global_id, **rest}}, bearer=bearer)
        return data[mutation]["userErrors"]

    real = await answer(world[key]["id"])
    never = await answer(to_global_id(type_name, NEVER))
    assert real == never  # same code, field and message: nothing tells the two apart
    assert [e["code"] for e in real] == [code]
    assert await Event.all().count() == events  # nothing stored


async def test_forbidden_stays_where_the_viewer_may_see_the_object(life, world):
    """Property facts are public: another developer drafting on it is refused, not told it is missing."""
    payload = await life.draft(world["unit"]["id"], bearer=life.actors.other_developer)
    assert error_codes(payload) == ["FORBIDDEN"]
    missing = await life.draft(to_global_id("Property", NEVER), bearer=life.actors.other_developer)
    assert error_fields(missing) == [("NOT_FOUND", ["input", "propertyId"])]


async def test_the_seller_who_may_see_the_contract_is_still_told_forbidden(life, world):
    """The developer sees its contract; a buyer's own step is FORBIDDEN to it, not NOT_FOUND."""
    payload = await life.submit(world["registration"]["id"], token("DEVELOPER", ids.DEVELOPER, ["ca"]))
    assert error_codes(payload) == ["FORBIDDEN"]
