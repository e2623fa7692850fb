"""issuePresalePermit: HOUSING permits a developer's units; bad input names its field and stores nothing."""

from __future__ import annotations

import pytest

from domain.models import Event, Permit, Property, SharedOrganizationRecord
from tests import ids
from tests.story import property_input, unit_code
from tests.support import token


async def _nothing_stored() -> bool:
    return (
        await Permit.all().count() == 0
        and await Property.all().count() == 0
        and await Event.filter(type="PERMIT_ISSUED").count() == 0
    )


async def test_housing_issues_a_permit_with_its_units(sale):
    payload = await sale.issue_permit(units=3)
    assert payload["userErrors"] == []
    permit = payload["permit"]
    assert (permit["status"], permit["saleType"], permit["developer"]["name"]) == (
        "VALID",
        "PRESALE",
        "息县新园置业有限公司",
    )
    assert [e["node"]["status"] for e in permit["properties"]["edges"]] == ["AVAILABLE"] * 3
    event = await Event.get(type="PERMIT_ISSUED")
    assert event.payload["number"] == permit["number"] and len(event.payload["units"]) == 3


@pytest.mark.parametrize(
    "role, party",
    [
        ("REGISTRAR", None),
        ("TAX", None),
        ("SUPERVISOR", None),
        ("BANK", ids.BANK),
        ("DEVELOPER", ids.DEVELOPER),
        ("BUYER", ids.ZHANG_SAN),
    ],
)
async def test_only_housing_may_issue(sale, role, party):
    payload = await sale.issue_permit(bearer=token(role, party, ["ca", "face"]))
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert await _nothing_stored()


async def test_a_permit_number_is_unique(sale):
    await sale.issue_permit(number="P-1")
    payload = await sale.issue_permit(number="P-1")
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("DUPLICATE", ["input", "number"])]
    assert await Permit.all().count() == 1


async def test_a_unit_code_is_unique_across_permits(sale):
    code = unit_code()
    await sale.issue_permit(number="P-1", properties=[property_input(code)])
    payload = await sale.issue_permit(number="P-2", properties=[property_input(), property_input(code)])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("DUPLICATE", ["input", "properties", "1", "unitCode"])
    ]
    assert await Permit.all().count() == 1 and await Property.all().count() == 1


async def test_a_unit_listed_twice_is_a_duplicate(sale):
    code = unit_code()
    payload = await sale.issue_permit(properties=[property_input(code), property_input(code.lower())])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("DUPLICATE", ["input", "properties", "1", "unitCode"])
    ]
    assert await _nothing_stored()


@pytest.mark.parametrize(
    "code, why",
    [
        ("411528001001GB00001F0000001", "27 characters"),
        ("411528001001GB00001X00000001", "fixture code X"),
        ("411528001001AB00001F00000001", "parcel feature must start with G, J or Z"),
        ("41152800100AGB00001F00000001", "zone not digits"),
        ("110105001001GB00001F00000001", "another county"),
    ],
)
async def test_unit_codes_follow_gb_t_37346(sale, code, why):
    payload = await sale.issue_permit(properties=[property_input(), property_input(code)])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input", "properties", "1", "unitCode"])
    ], why
    assert await _nothing_stored()


@pytest.mark.parametrize("area", ["0", "-5.00", "89.505"])
async def test_the_area_is_positive_with_two_decimals(sale, area):
    payload = await sale.issue_permit(properties=[property_input(area=area)])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input", "properties", "0", "buildingArea"])
    ]


async def test_a_float_area_is_refused_by_the_decimal_scalar(sale):
    body = await sale.client.execute(
        "mutation($input: IssuePresalePermitInput!) { issuePresalePermit(input: $input) { permit { id } } }",
        {
            "input": {
                "number": "P",
                "developerIdNumber": ids.DEVELOPER,
                "projectName": "x",
                "saleType": "PRESALE",
                "supervisedAccount": "1",
                "supervisingBankIdNumber": ids.BANK,
                "properties": [{**property_input(), "buildingArea": 89.5}],
            }
        },
        bearer=sale.actors.housing,
    )
    assert "Decimal" in body["errors"][0]["message"]
    assert await _nothing_stored()


async def test_at_least_one_property(sale):
    payload = await sale.issue_permit(properties=[])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", ["input", "properties"])]


async def test_the_developer_must_be_a_valid_registered_organization(sale):
    bad = await sale.issue_permit(developer=ids.DEVELOPER[:-1] + "0")
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("INVALID_INPUT", ["input", "developerIdNumber"])]
    from tests.ids import credit_code

    unknown = await sale.issue_permit(developer=credit_code("91411528MA0000099"))
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [("NOT_FOUND", ["input", "developerIdNumber"])]
    assert await _nothing_stored()


async def test_a_developer_with_a_revoked_licence_gets_no_permit(sale):
    await SharedOrganizationRecord.create(
        id_number=ids.DEVELOPER, name="息县新园置业有限公司", licence_status="REVOKED"
    )
    payload = await sale.issue_permit()
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_STATE", ["input", "developerIdNumber"])
    ]
    assert await _nothing_stored()
