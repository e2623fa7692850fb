"""Issue 11, items 1 and 6: what bad input and lookups answer, and what a certificate verifier sees.

Each test here reproduces what an outside tester found (on both databases: the suite runs on
SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest

from domain.models import Contract, Party, Property
from resolvers.ids import to_global_id
from tests import ids
from tests.mutations.conftest import error_fields
from tests.story import Life, property_input

REGISTER = (
    "mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { "
    "party { id } userErrors { code field message } } }"
)


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


@pytest.fixture
async def home(life):
    """Zhang's home, filed, advance notice in force (a certificate issued), one deposit made."""
    permit, units = await life.permit_with_units(units=1)
    contract, registration = await life.pre_registered(units[0]["id"])
    return {"permit": permit, "unit": units[0], "contract": contract, "registration": registration}


def _codes(body: dict) -> list[str]:
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]


# ------------------------------------------------------------------ strings within their columns


async def test_an_organisation_name_over_its_column_is_a_user_error(life):
    """Reproduction: 201 characters failed the whole mutation with data null."""
    data = await life.client.data(
        REGISTER,
        {"input": {"name": "机" * 201, "idNumber": ids.credit_code("91411528MA0000009")}},
        bearer=life.actors.registrar,
    )
    payload = data["registerOrganization"]
    assert payload["party"] is None
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "name"])]
    assert await Party.filter(id_number=ids.credit_code("91411528MA0000009")).count() == 0


async def test_nested_strings_are_named_by_their_path(life):
    long_room = property_input()
    long_room["room"] = "5" * 65
    payload = await life.issue_permit(number="息预售字(2026)第901号", properties=[property_input(), long_room])
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "properties", "1", "room"])]
    assert await Property.all().count() == 0


async def test_a_floor_beyond_any_building_is_refused(life):
    high = property_input()
    high["floor"] = 100000
    payload = await life.issue_permit(number="息预售字(2026)第902号", properties=[high])
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "properties", "0", "floor"])]


async def test_a_query_filter_over_its_column_is_a_coded_error(life, home):
    body = await life.client.execute(
        '{ contracts(filter: {buyerIdNumber: "%s"}) { totalCount } }' % ("1" * 300), bearer=life.actors.housing
    )
    assert body["data"] is None or body["data"].get("contracts") is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["filter", "buyerIdNumber"]}


# ------------------------------------------------------------------ decimals


@pytest.mark.parametrize(
    "price", ["1e309", "1E3", "１０００.00", "1_000", "Infinity", "NaN", "1.2.3", " 1000", "0x10", "1" * 50]
)
async def test_a_decimal_is_plain_ascii_notation(life, home, price):
    """Reproduction: "1e309" answered [<class 'decimal.InvalidOperation'>]; fullwidth digits and 1_000 were accepted."""
    body = await life.client.execute(
        (
            "mutation($p: Decimal!, $id: ID!) { approveMortgage(input: {contractId: $id, "
            "principal: $p, termMonths: 12}) { userErrors { code } } }"
        ),
        {"p": price, "id": home["contract"]["id"]},
        bearer=life.actors.bank,
    )
    assert body.get("data") is None
    assert _codes(body) == ["INVALID_INPUT"]
    assert "class" not in body["errors"][0]["message"]


async def test_a_price_beyond_its_column_is_refused_naming_the_field(life):
    """Reproduction: a price of 10^18 was stored beyond DECIMAL(16,2)."""
    _, units = await life.permit_with_units(units=1)
    payload = await life.draft(units[0]["id"], price="1" + "0" * 18, down_payment="300000.00")
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "price"])]
    assert await Contract.all().count() == 0


async def test_an_area_beyond_its_column_is_refused_naming_the_field(life):
    payload = await life.issue_permit(number="息预售字(2026)第903号", properties=[property_input(area="1" + "0" * 11)])
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "properties", "0", "buildingArea"])]


# ------------------------------------------------------------------ lookups, ids and cursors


@pytest.mark.parametrize(
    "query",
    [
        '{ party(idNumber: "%s") { id } }',
        '{ property(unitCode: "%s") { id } }',
        '{ contract(number: "%s") { id } }',
        '{ permit(number: "%s") { id } }',
        '{ registration(number: "%s") { id } }',
        '{ node(id: "%s") { id } }',
    ],
)
async def test_a_lookup_that_cannot_exist_answers_null(life, query):
    """Reproduction: arguments longer than their column answered raw database errors."""
    data = await life.client.data(query % ("9" * 300), bearer=life.actors.registrar)
    assert list(data.values()) == [None]


async def test_verifying_a_number_that_cannot_exist_answers_not_valid(life):
    data = await life.client.data(
        '{ verifyCertificate(number: "%s", contentHash: "00") { valid reason certificate { id } } }' % ("号" * 300)
    )
    assert data["verifyCertificate"] == {
        "valid": False,
        "reason": "no certificate has this number",
        "certificate": None,
    }


async def test_a_30_digit_cursor_is_invalid_input(life):
    """Reproduction: "Python int too large to convert"."""
    body = await life.client.execute('{ permits(after: "%s") { totalCount } }' % ("9" * 30), bearer=life.actors.housing)
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["after"]}
    body = await life.client.execute('{ events(after: "%s") { totalCount } }' % ("9" * 30), bearer=life.actors.housing)
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["after"]}


async def test_a_cursor_of_unicode_digits_is_invalid_input(life):
    body = await life.client.execute('{ permits(after: "١٢") { totalCount } }', bearer=life.actors.housing)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_global_id_with_a_30_digit_key(life):
    huge = to_global_id("Contract", 10**30)
    data = await life.client.data('{ node(id: "%s") { id } }' % huge, bearer=life.actors.registrar)
    assert data == {"node": None}
    payload = await life.call(
        "mutation($input: FileContractInput!) { fileContract(input: $input) { userErrors { code field message } } }",
        "fileContract",
        {"contractId": huge},
        life.actors.housing,
    )
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "contractId"])]


# ------------------------------------------------------------------ the four lookups that always failed


async def test_contracts_by_buyer_id_number(life, home):
    data = await life.client.data(
        '{ contracts(filter: {buyerIdNumber: "%s"}) { edges { node { id } } } }' % ids.ZHANG_SAN,
        bearer=life.actors.zhang,
    )
    assert [e["node"]["id"] for e in data["contracts"]["edges"]] == [home["contract"]["id"]]
    none = await life.client.data(
        '{ contracts(filter: {buyerIdNumber: "%s"}) { totalCount } }' % ids.LI_SI, bearer=life.actors.housing
    )
    assert none["contracts"]["totalCount"] == 0


async def test_properties_by_owner_id_number(life):
    permit, units = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    assert (await life.first_registration(permit["id"]))["userErrors"] == []
    query = '{ properties(filter: {ownerIdNumber: "%s"}) { edges { node { id } } } }' % ids.ZHANG_SAN
    for bearer in (life.actors.zhang, life.actors.registrar):
        data = await life.client.data(query, bearer=bearer)
        assert [e["node"]["id"] for e in data["properties"]["edges"]] == [units[0]["id"]]
    other = await life.client.data(query, bearer=life.actors.other_bank)
    assert other["properties"]["edges"] == []


async def test_node_of_a_fund_deposit(life, home):
    data = await life.client.data(
        '{ contract(number: "%s") { deposits { id amount } } }' % home["contract"]["number"], bearer=life.actors.bank
    )
    deposit = data["contract"]["deposits"][0]
    query = '{ node(id: "%s") { ... on FundDeposit { amount } } }' % deposit["id"]
    assert (await life.client.data(query, bearer=life.actors.zhang))["node"] == {"amount": deposit["amount"]}
    assert (await life.client.data(query, bearer=life.actors.li))["node"] is None


async def _certificate(life, registration_number: str) -> dict:
    data = await life.client.data(
        '{ registration(number: "%s") { certificate { id number contentHash } } }' % registration_number,
        bearer=life.actors.registrar,
    )
    return data["registration"]["certificate"]


async def test_node_of_a_certificate(life, home):
    certificate = await _certificate(life, home["registration"]["number"])
    query = '{ node(id: "%s") { ... on Certificate { number } } }' % certificate["id"]
    assert (await life.client.data(query, bearer=life.actors.zhang))["node"] == {"number": certificate["number"]}
    assert (await life.client.data(query, bearer=life.actors.li))["node"] is None


# ------------------------------------------------------------------ the certificate verifier


VERIFY = (
    "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { valid certificate { %s } } }"
)


async def test_an_anonymous_verifier_sees_the_certificate_and_nothing_beyond(life, home):
    """Reproduction: `certificate { registration { applicationForm } }` gave price and unmasked ID numbers."""
    certificate = await _certificate(life, home["registration"]["number"])
    variables = {"n": certificate["number"], "h": certificate["contentHash"]}
    own = await life.client.data(VERIFY % "number contentHash content", variables)
    assert own["verifyCertificate"]["valid"] is True
    assert own["verifyCertificate"]["certificate"]["number"] == certificate["number"]
    for beyond in (
        "registration { applicationForm }",
        "registration { property { id } }",
        "number ... on Certificate { registration { id } }",
    ):
        body = await life.client.execute(VERIFY % beyond, variables)
        assert "errors" not in body, body  # reproduction: registration { property { id } } crashed
        assert body["data"]["verifyCertificate"] == {"valid": True, "certificate": None}
    holders = await life.client.data(VERIFY % "holders { idNumber }", variables)
    assert holders["verifyCertificate"]["certificate"] == {"holders": []}


async def test_a_signed_in_stranger_verifying_sees_no_registration(life, home):
    certificate = await _certificate(life, home["registration"]["number"])
    variables = {"n": certificate["number"], "h": certificate["contentHash"]}
    body = await life.client.execute(
        VERIFY % "registration { applicationForm }", variables, bearer=life.actors.other_bank
    )
    assert "errors" not in body and body["data"]["verifyCertificate"]["certificate"] is None


async def test_the_holder_verifying_sees_the_registration(life, home):
    certificate = await _certificate(life, home["registration"]["number"])
    variables = {"n": certificate["number"], "h": certificate["contentHash"]}
    data = await life.client.data(
        VERIFY % "registration { number property { id } }", variables, bearer=life.actors.zhang
    )
    assert data["verifyCertificate"]["certificate"]["registration"] == {
        "number": home["registration"]["number"],
        "property": {"id": home["unit"]["id"]},
    }
