"""applyCorrectionRegistration: a holder or a REGISTRAR applies, a REGISTRAR decides; the
corrected facts go into a new ownership registration and certificate, the old ones are
HISTORIC (superseded), and deed tax already paid stays as it was."""

from __future__ import annotations

import pytest

from domain.models import Certificate, Registration, SharedPersonRecord, TaxRecord
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def owned(life):
    """张三 owns the home (transfer done, deed tax paid)."""
    permit, units = await life.permit_with_units(units=1)
    life.unit = units[0]
    contract, life.notice = await life.pre_registered(units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    return transfer


async def _apply(
    life, registration_id: str, corrections: list[dict], bearer: str, reason: str = "实测面积有误"
) -> dict:
    return await life.call(
        """mutation($input: ApplyCorrectionRegistrationInput!) { applyCorrectionRegistration(input: $input) {
             registration { id kind status decidedBy applicationForm applicants { name } } userErrors { code
             field message } } }""",
        "applyCorrectionRegistration",
        {"registrationId": registration_id, "corrections": corrections, "reason": reason},
        bearer,
    )


async def test_a_corrected_area_gets_a_new_certificate_and_the_old_one_is_superseded(life, owned):
    taxes_before = [(t.amount, t.status) for t in await TaxRecord.all().order_by("id")]
    applied = await _apply(life, owned["id"], [{"field": "buildingArea", "value": "90.12"}], life.actors.zhang)
    assert applied["userErrors"] == []
    correction = applied["registration"]
    assert (correction["kind"], correction["status"], correction["decidedBy"]) == ("CORRECTION", "IN_REVIEW", None)
    assert correction["applicationForm"]["corrections"] == {"buildingArea": "90.12"}
    done = (await life.decide(correction["id"], True, reason="经复核实测面积为90.12平方米"))["registration"]
    assert (done["status"], done["decidedBy"], done["decision"]["reason"]) == (
        "COMPLETED",
        "REGISTRAR",
        "经复核实测面积为90.12平方米",
    )
    old = await Registration.get(kind="TRANSFER", right_status="HISTORIC")
    new = await Registration.get(kind="TRANSFER", right_status="IN_FORCE")
    assert new.converted_from_id == old.id
    certificate = await Certificate.get(registration_id=new.id)
    assert certificate.kind == "OWNERSHIP_CERTIFICATE" and certificate.content["property"]["buildingArea"] == "90.12"
    assert [h["name"] for h in certificate.content["holders"]] == ["张三"]
    verified = await life.verify(owned["certificate"], bearer=life.actors.zhang)
    assert (verified["valid"], verified["status"], verified["supersededBy"]) == (
        True,
        "SUPERSEDED",
        {"number": certificate.number},
    )
    assert [(t.amount, t.status) for t in await TaxRecord.all().order_by("id")] == taxes_before
    unit = await life.client.data(
        '{ property(unitCode: "%s") { buildingArea } }' % life.unit["unitCode"], bearer=life.actors.zhang
    )
    assert unit["property"]["buildingArea"] == "90.12"
    types = [e["type"] for e in await life.history(life.unit["unitCode"])]
    # The application, the correction decided, the new ownership and its certificate.
    assert types[-4:] == [
        "REGISTRATION_IN_REVIEW",
        "REGISTRATION_COMPLETED",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]


async def test_a_holders_name_is_corrected_to_the_shared_data(life, owned):
    await SharedPersonRecord.create(id_number=ids.ZHANG_SAN, name="张叁", marital_status="SINGLE")
    applied = await _apply(
        life, owned["id"], [{"field": "holderName", "value": "张叁"}], life.actors.registrar, reason="户籍更名"
    )
    assert applied["userErrors"] == [] and applied["registration"]["applicants"] == []
    await life.decide(applied["registration"]["id"], True)
    new = await Registration.get(kind="TRANSFER", right_status="IN_FORCE")
    certificate = await Certificate.get(registration_id=new.id)
    assert [h["name"] for h in certificate.content["holders"]] == ["张叁"]


async def test_a_rejected_correction_changes_nothing(life, owned):
    correction = (
        await _apply(life, owned["id"], [{"field": "address", "value": "息县城关镇新园路9号"}], life.actors.zhang)
    )["registration"]
    assert (await life.decide(correction["id"], False, reason="地址无误"))["registration"]["status"] == "REJECTED"
    assert await Registration.filter(kind="TRANSFER", right_status="IN_FORCE").count() == 1
    assert (await life.verify(owned["certificate"]))["status"] == "CURRENT"


@pytest.mark.parametrize(
    "correction, field",
    [
        ({"field": "price", "value": "1"}, "field"),
        ({"field": "buildingArea", "value": "89.50"}, "value"),
        ({"field": "buildingArea", "value": "abc"}, "value"),
        ({"field": "holderName", "value": "赵六"}, "value"),
    ],
)
async def test_bad_corrections_are_named(life, owned, correction, field):
    payload = await _apply(life, owned["id"], [correction], life.actors.zhang)
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "corrections", "0", field])]


async def test_a_reason_and_a_correction_are_required(life, owned):
    assert error_fields(await _apply(life, owned["id"], [], life.actors.zhang)) == [
        ("INVALID_INPUT", ["input", "corrections"])
    ]
    assert error_fields(
        await _apply(life, owned["id"], [{"field": "address", "value": "x"}], life.actors.zhang, reason="")
    ) == [("INVALID_INPUT", ["input", "reason"])]


async def test_one_correction_at_a_time(life, owned):
    await _apply(life, owned["id"], [{"field": "address", "value": "息县城关镇新园路9号"}], life.actors.zhang)
    assert error_codes(
        await _apply(life, owned["id"], [{"field": "buildingArea", "value": "90.12"}], life.actors.zhang)
    ) == ["DUPLICATE"]


async def test_only_an_ownership_in_force_is_corrected(life, owned):
    assert error_codes(
        await _apply(life, life.notice["id"], [{"field": "buildingArea", "value": "90.12"}], life.actors.zhang)
    ) == ["INVALID_STATE"]


async def test_the_holder_proves_who_it_is(life, owned):
    payload = await _apply(
        life, owned["id"], [{"field": "buildingArea", "value": "90.12"}], token("BUYER", ids.ZHANG_SAN, ["pwd"])
    )
    assert error_codes(payload) == ["IDENTITY_UNVERIFIED"]


@pytest.mark.parametrize(
    "role, party", [("DEVELOPER", ids.DEVELOPER), ("HOUSING", None), ("TAX", None), ("BANK", ids.BANK)]
)
async def test_only_a_holder_or_a_registrar_applies(life, owned, role, party):
    payload = await _apply(
        life, owned["id"], [{"field": "buildingArea", "value": "90.12"}], token(role, party, ["ca", "face"])
    )
    assert error_codes(payload) == ["FORBIDDEN"]


async def test_another_buyer_finds_nothing(life, owned):
    assert error_codes(
        await _apply(life, owned["id"], [{"field": "buildingArea", "value": "90.12"}], life.actors.wang)
    ) == ["NOT_FOUND"]
