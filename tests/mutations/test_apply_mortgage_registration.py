"""Mortgages of registered homes (issue 14, item 4; DESIGN §7): a lender approves a loan to the
owners of a REGISTERED home (approveMortgage with propertyId and borrowers), the borrowers sign,
applyMortgageRegistration decides at once. Two banks, two mortgages on one home: each sees its
own terms, the other's only as a right in force with its priority; a discharge moves the later
one up."""

from __future__ import annotations

import pytest

from domain.models import Certificate, Event, Mortgage, Registration, SharedPersonRecord
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.support import token

ERRORS = "userErrors { code field message }"
PARTY = "query($n: String!) { party(idNumber: $n) { id } }"
APPROVE = "mutation($input: ApproveMortgageInput!) { approveMortgage(input: $input) { mortgage { %s } %s } }"
APPLY = (
    "mutation($input: ApplyMortgageRegistrationInput!) { applyMortgageRegistration(input: $input) "
    "{ registration { %s } %s } }"
)
MORTGAGE = (
    "id status principal termMonths priority lender { name } borrowers { name } signatures { method } "
    "registrations { kind rightStatus number priority }"
)
REGISTRATION = (
    "id number kind status rightStatus decidedBy priority applicationForm checks { rule passed } "
    "certificate { number kind holders { name } } mortgage { id status priority }"
)


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


async def _owned(life, with_first_mortgage: bool) -> dict:
    """张三 owns a home (first registration done, deed tax paid); with the first mortgage, the bank's
    advance mortgage on the new-home contract became a MORTGAGE at the transfer (priority 1)."""
    permit, [unit] = await life.permit_with_units(units=1)
    life.unit = unit
    contract, _ = await life.pre_registered(unit["id"])
    life.first_mortgage = await life.mortgaged(contract["id"], [life.actors.zhang]) if with_first_mortgage else None
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    assert (transfer["kind"], transfer["rightStatus"]) == ("TRANSFER", "IN_FORCE")
    data = await life.client.data(
        "query($u: String!) { property(unitCode: $u) { id status owners { id name } } }",
        {"u": unit["unitCode"]},
        bearer=life.actors.zhang,
    )
    assert data["property"]["status"] == "REGISTERED"
    life.zhang_id = data["property"]["owners"][0]["id"]
    return data["property"]


@pytest.fixture
async def owned(life):
    return await _owned(life, with_first_mortgage=False)


@pytest.fixture
async def mortgaged(life):
    return await _owned(life, with_first_mortgage=True)


async def approve(life, input: dict, bearer: str) -> dict:
    return await life.call(
        APPROVE % (MORTGAGE, ERRORS),
        "approveMortgage",
        {"principal": "300000.00", "termMonths": 120, **input},
        bearer,
    )


async def apply(life, mortgage_id: str, bearer: str, payer: str | None = None, pay_fee: bool = True) -> dict:
    """The lender applies; with `pay_fee` the fee (登记费) is then recorded (by `payer`, else the
    registrar) and the payload's registration read again as it stands after the payment."""
    applied = await life.call(
        APPLY % (REGISTRATION + " fee feeOutstanding", ERRORS),
        "applyMortgageRegistration",
        {"mortgageId": mortgage_id},
        bearer,
    )
    registration = applied["registration"]
    if not pay_fee or applied["userErrors"] or registration["feeOutstanding"] == "0.00":
        return applied
    paid = await life.pay_fee(registration["id"], registration["feeOutstanding"], bearer=payer)
    assert paid["userErrors"] == [], paid
    node = await life.client.data(
        f"query($id: ID!) {{ node(id: $id) {{ ... on Registration {{ {REGISTRATION} fee feeOutstanding }} }} }}",
        {"id": registration["id"]},
        bearer=bearer,
    )
    return {**applied, "registration": node["node"]}


async def home_loan(life, home: dict, bearer: str, principal: str = "300000.00", sign: bool = True) -> dict:
    approved = await approve(
        life, {"propertyId": home["id"], "borrowers": [life.zhang_id], "principal": principal}, bearer
    )
    assert approved["userErrors"] == [], approved
    if sign:
        signed = await life.sign_mortgage(approved["mortgage"]["id"], life.actors.zhang)
        assert signed["userErrors"] == [], signed
    return approved["mortgage"]


async def mortgage_of(life, mortgage_id: str, bearer: str) -> dict | None:
    data = await life.client.data(
        f'{{ node(id: "{mortgage_id}") {{ ... on Mortgage {{ {MORTGAGE} }} }} }}', bearer=bearer
    )
    return data["node"]


async def test_the_owner_mortgages_a_registered_home_at_once(life, owned):
    approved = await approve(
        life, {"propertyId": owned["id"], "borrowers": [life.zhang_id], "principal": "300000.00"}, life.actors.bank
    )
    assert approved["userErrors"] == []
    mortgage = approved["mortgage"]
    assert (mortgage["status"], mortgage["principal"], mortgage["termMonths"], mortgage["priority"]) == (
        "APPROVED",
        "300000.00",
        120,
        1,  # nothing else in force: first if registered now
    )
    assert [b["name"] for b in mortgage["borrowers"]] == ["张三"]
    signed = await life.sign_mortgage(mortgage["id"], life.actors.zhang)
    assert signed["userErrors"] == [] and signed["mortgage"]["signatures"] == [{"method": "FACE"}]

    # The bank applies and pays the fee (登记费, 80 for a home): the registration is decided then.
    applied = await apply(life, mortgage["id"], life.actors.bank, payer=life.actors.bank)
    assert applied["userErrors"] == []
    registration = applied["registration"]
    assert (registration["fee"], registration["feeOutstanding"]) == ("80.00", "0.00")
    assert (registration["kind"], registration["status"], registration["rightStatus"], registration["decidedBy"]) == (
        "MORTGAGE",
        "COMPLETED",
        "IN_FORCE",
        "SYSTEM",
    )
    assert registration["number"].startswith("豫(2026)息县不动产证明第")
    assert registration["priority"] == 1
    assert registration["certificate"]["kind"] == "REGISTRATION_PROOF"
    assert registration["certificate"]["number"] == registration["number"]
    assert [h["name"] for h in registration["certificate"]["holders"]] == ["息县农村商业银行"]
    assert registration["mortgage"] == {"id": mortgage["id"], "status": "REGISTERED", "priority": 1}
    assert all(c["passed"] for c in registration["checks"])
    assert registration["applicationForm"]["principal"] == "300000.00"
    ownership = await Registration.get(kind="TRANSFER", right_status="IN_FORCE")
    assert registration["applicationForm"]["ownership"] == [ownership.number]

    stored = await Registration.get(number=registration["number"])
    assert stored.contract_id is None and stored.mortgage_id == (await Mortgage.get(contract_id=None)).id
    certificate = await Certificate.get(registration_id=stored.id)
    assert certificate.content["right"] == "抵押权" and certificate.content["principal"] == "300000.00"
    types = [e.type for e in await Event.filter(mortgage_id=stored.mortgage_id).order_by("seq")]
    assert types == [
        "MORTGAGE_APPROVED",
        "MORTGAGE_SIGNED",
        "REGISTRATION_SUBMITTED",
        "FEE_PAID",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]
    again = await apply(life, mortgage["id"], life.actors.bank)
    assert error_fields(again) == [("INVALID_STATE", ["input", "mortgageId"])]


async def test_two_banks_rank_by_registration_and_a_discharge_moves_the_later_up(life, mortgaged):
    first = life.first_mortgage
    assert (await mortgage_of(life, first["id"], life.actors.bank))["priority"] == 1

    second = await home_loan(life, mortgaged, life.actors.other_bank, principal="200000.00")
    assert second["priority"] == 2  # rank if registered now, after the bank's mortgage in force
    applied = await apply(life, second["id"], life.actors.other_bank)
    assert applied["userErrors"] == []
    assert applied["registration"]["priority"] == 2
    assert applied["registration"]["mortgage"]["priority"] == 2

    listing = await life.client.data(
        "query($u: String!) { property(unitCode: $u) { mortgages { edges { node { priority lender { name } } } } } }",
        {"u": life.unit["unitCode"]},
        bearer=life.actors.registrar,
    )
    ranks = [(e["node"]["lender"]["name"], e["node"]["priority"]) for e in listing["property"]["mortgages"]["edges"]]
    assert sorted(ranks, key=lambda r: r[1]) == [("息县农村商业银行", 1), ("淮河银行", 2)]

    discharged = await life.discharge(first["id"])
    assert discharged["userErrors"] == []
    assert (await mortgage_of(life, first["id"], life.actors.bank))["priority"] == 0
    moved = await mortgage_of(life, second["id"], life.actors.other_bank)
    assert moved["priority"] == 1
    assert [(r["kind"], r["priority"]) for r in moved["registrations"]] == [("MORTGAGE", 1)]


async def test_a_lender_sees_the_other_lenders_mortgage_only_as_a_right_in_force_with_its_priority(life, mortgaged):
    first = life.first_mortgage
    second = await home_loan(life, mortgaged, life.actors.other_bank, principal="123456.00")
    assert (await apply(life, second["id"], life.actors.other_bank))["userErrors"] == []

    query = """{ property(unitCode: "%s") {
        mortgages { edges { node { id } } }
        registrations(inForce: true) { edges { node { kind number priority applicationForm text
            mortgage { id principal } certificate { number content } } } }
        history(first: 100) { edges { node { type payload } } } } }"""
    for viewer, own, other, other_principal in (
        (life.actors.bank, first, second, "123456.00"),
        (life.actors.other_bank, second, first, "700000.00"),
    ):
        data = (await life.client.data(query % life.unit["unitCode"], bearer=viewer))["property"]
        assert [e["node"]["id"] for e in data["mortgages"]["edges"]] == [own["id"]]
        assert await mortgage_of(life, other["id"], viewer) is None
        rights = [e["node"] for e in data["registrations"]["edges"] if e["node"]["kind"] == "MORTGAGE"]
        assert sorted(r["priority"] for r in rights) == [1, 2]
        theirs = [r for r in rights if r["mortgage"] is None]
        assert len(theirs) == 1
        assert theirs[0]["applicationForm"] == {"registrationType": theirs[0]["applicationForm"]["registrationType"]}
        assert theirs[0]["certificate"] is None
        assert theirs[0]["number"]  # the right in force on the register
        mine = [r for r in rights if r["mortgage"] is not None]
        assert mine[0]["mortgage"]["id"] == own["id"] and mine[0]["certificate"]["content"]["principal"]
        shown = str(data) + str(
            await life.client.data("{ events(first: 200) { edges { node { payload } } } }", bearer=viewer)
        )
        assert other_principal not in shown and other_principal.split(".")[0] not in shown
    # The registrar sees both, terms and all.
    assert (await mortgage_of(life, second["id"], life.actors.registrar))["principal"] == "123456.00"


async def test_the_approval_needs_one_form_and_the_owners_as_borrowers(life, owned):
    base = {"propertyId": owned["id"], "borrowers": [life.zhang_id]}
    cases = [
        ({"propertyId": None, "borrowers": None}, ("INVALID_INPUT", ["input", "contractId"])),
        ({"contractId": "Q29udHJhY3Q6MQ=="}, ("INVALID_INPUT", ["input", "propertyId"])),
        ({"borrowers": []}, ("INVALID_INPUT", ["input", "borrowers"])),
        ({"borrowers": None}, ("INVALID_INPUT", ["input", "borrowers"])),
        ({"borrowers": [life.zhang_id, life.zhang_id]}, ("INVALID_INPUT", ["input", "borrowers", "1"])),
        ({"borrowers": [owned["id"]]}, ("INVALID_INPUT", ["input", "borrowers", "0"])),
        ({"borrowers": ["x" * 200]}, ("INVALID_INPUT", ["input", "borrowers", "0"])),
        ({"principal": "-1.00"}, ("INVALID_INPUT", ["input", "principal"])),
        ({"termMonths": 0}, ("INVALID_INPUT", ["input", "termMonths"])),
        ({"propertyId": life.zhang_id}, ("INVALID_INPUT", ["input", "propertyId"])),
    ]
    for change, expected in cases:
        payload = await approve(life, {**base, **change}, life.actors.bank)
        assert error_fields(payload) == [expected], (change, payload)
    # A contract's borrowers are its buyers.
    contract_form = await approve(
        life, {"contractId": "Q29udHJhY3Q6MQ==", "borrowers": [life.zhang_id]}, life.actors.bank
    )
    assert error_fields(contract_form) == [("INVALID_INPUT", ["input", "borrowers"])]

    # 李四 holds no right in this home.
    li = await life.client.data(PARTY, {"n": ids.LI_SI}, bearer=life.actors.registrar)
    if li["party"] is None:
        await life.signed_contract(
            (await life.permit_with_units(units=1))[1][0]["id"], buyer_tokens={ids.LI_SI: life.actors.li}
        )
        li = await life.client.data(PARTY, {"n": ids.LI_SI}, bearer=life.actors.registrar)
    stranger = await approve(life, {**base, "borrowers": [li["party"]["id"]]}, life.actors.bank)
    assert error_fields(stranger) == [("INVALID_INPUT", ["input", "borrowers", "0"])]

    # A home not registered yet.
    _, [unit] = await life.permit_with_units(units=1)
    unregistered = await approve(life, {**base, "propertyId": unit["id"]}, life.actors.bank)
    assert error_fields(unregistered) == [("INVALID_STATE", ["input", "propertyId"])]
    missing = await approve(life, {**base, "propertyId": "UHJvcGVydHk6OTk5OTk="}, life.actors.bank)
    assert error_fields(missing) == [("NOT_FOUND", ["input", "propertyId"])]

    assert (await approve(life, base, life.actors.bank))["userErrors"] == []
    twice = await approve(life, base, life.actors.bank)
    assert error_fields(twice) == [("DUPLICATE", ["input", "propertyId"])]
    assert await Mortgage.filter(contract_id=None).count() == 1


async def test_only_a_lender_approves_a_loan_on_a_registered_home(life, owned):
    base = {"propertyId": owned["id"], "borrowers": [life.zhang_id]}
    for bearer in (
        life.actors.zhang,
        life.actors.developer,
        life.actors.registrar,
        life.actors.housing,
        life.actors.tax,
        token("BANK", ids.PROVIDENT_FUND, ["ca"]),  # a lender's role, no party known to the platform
    ):
        assert error_codes(await approve(life, base, bearer)) == ["FORBIDDEN"]
    assert await Mortgage.filter(contract_id=None).count() == 0
    registered = await life.call(
        "mutation($input: RegisterOrganizationInput!) "
        "{ registerOrganization(input: $input) { party { id } userErrors { code } } }",
        "registerOrganization",
        {"name": "息县住房公积金管理中心", "idNumber": ids.PROVIDENT_FUND},
        life.actors.registrar,
    )
    assert registered["userErrors"] == []
    fund = token("PROVIDENT_FUND", ids.PROVIDENT_FUND, ["ca"])
    approved = await approve(life, base, fund)
    assert approved["userErrors"] == [] and approved["mortgage"]["lender"]["name"] == "息县住房公积金管理中心"
    assert (await life.sign_mortgage(approved["mortgage"]["id"], life.actors.zhang))["userErrors"] == []
    assert (await apply(life, approved["mortgage"]["id"], fund))["registration"]["rightStatus"] == "IN_FORCE"


async def test_only_the_borrowers_sign_and_only_the_lender_applies(life, owned):
    mortgage = await home_loan(life, owned, life.actors.bank, sign=False)
    assert error_codes(await life.sign_mortgage(mortgage["id"], life.actors.li)) == ["NOT_FOUND"]  # not hers to see
    unverified = token("BUYER", ids.ZHANG_SAN, ["pwd"])
    assert error_codes(await life.sign_mortgage(mortgage["id"], unverified)) == ["IDENTITY_UNVERIFIED"]

    missing = await apply(life, mortgage["id"], life.actors.bank)
    assert error_codes(missing) == ["SIGNATURES_MISSING"]
    assert (await life.sign_mortgage(mortgage["id"], life.actors.zhang))["userErrors"] == []
    # Who may not apply: the other bank does not even see the loan; the borrower and the registrar see it.
    assert error_fields(await apply(life, mortgage["id"], life.actors.other_bank)) == [
        ("NOT_FOUND", ["input", "mortgageId"])
    ]
    for bearer in (
        life.actors.zhang,
        life.actors.registrar,
        life.actors.housing,
        life.actors.tax,
        life.actors.developer,  # sees what stands on its permit's homes
        token("PROVIDENT_FUND", ids.PROVIDENT_FUND, ["ca"]),
    ):
        assert error_codes(await apply(life, mortgage["id"], bearer)) in (["FORBIDDEN"], ["NOT_FOUND"])
    for bearer in (life.actors.zhang, life.actors.registrar, life.actors.housing, life.actors.developer):
        assert error_codes(await apply(life, mortgage["id"], bearer)) == ["FORBIDDEN"], bearer
    bad = await apply(life, "Q29udHJhY3Q6MQ==", life.actors.bank)
    assert error_fields(bad) == [("INVALID_INPUT", ["input", "mortgageId"])]
    assert await Registration.filter(kind="MORTGAGE").count() == 0
    assert (await apply(life, mortgage["id"], life.actors.bank))["userErrors"] == []


async def test_a_seizure_or_an_objection_in_force_refuses_the_registration(life, owned):
    mortgage = await home_loan(life, owned, life.actors.bank)
    seized = await life.seize(owned["id"])
    assert seized["userErrors"] == []
    assert error_codes(await apply(life, mortgage["id"], life.actors.bank)) == ["ENCUMBERED"]
    assert (await life.release(seized["registration"]["id"]))["userErrors"] == []
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    objection = await life.object(owned["id"], ids.WANG_WU)
    assert objection["userErrors"] == [], objection
    assert error_codes(await apply(life, mortgage["id"], life.actors.bank)) == ["ENCUMBERED"]
    assert await Registration.filter(kind="MORTGAGE").count() == 0
    assert (await Mortgage.get(contract_id=None)).status == "APPROVED"


async def test_a_new_home_loan_registers_through_its_advance_mortgage(life):
    """applyMortgageRegistration is for registered homes; a contract's loan has its own path."""
    _, [unit] = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(unit["id"])
    mortgage = (await life.approve(contract["id"]))["mortgage"]
    assert (await life.sign_mortgage(mortgage["id"], life.actors.zhang))["userErrors"] == []
    assert error_fields(await apply(life, mortgage["id"], life.actors.bank)) == [
        ("INVALID_STATE", ["input", "mortgageId"])
    ]
