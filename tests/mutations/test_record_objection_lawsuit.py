"""recordObjectionLawsuit: REGISTRAR records the suit that keeps an objection in force."""

from __future__ import annotations

import pytest

from domain.models import Event, SharedPersonRecord
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def objection(life):
    _, units = await life.permit_with_units(units=1)
    life.unit = units[0]
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    return (await life.object(units[0]["id"], ids.WANG_WU))["registration"]


async def test_the_case_number_is_kept_and_logged(life, objection):
    payload = await life.lawsuit(objection["id"], "(2026)豫1528民初301号")
    assert payload["userErrors"] == [] and payload["registration"]["lawsuitCaseNumber"] == "(2026)豫1528民初301号"
    [event] = await Event.filter(type="OBJECTION_LAWSUIT_RECORDED")
    assert event.payload["caseNumber"] == "(2026)豫1528民初301号"


async def test_once(life, objection):
    await life.lawsuit(objection["id"])
    assert error_fields(await life.lawsuit(objection["id"])) == [("DUPLICATE", ["input", "caseNumber"])]


async def test_a_case_number_is_required(life, objection):
    assert error_fields(await life.lawsuit(objection["id"], " ")) == [("INVALID_INPUT", ["input", "caseNumber"])]


async def test_only_on_an_objection_in_force(life, objection):
    await life.apply_cancellation(objection["id"], life.actors.registrar, court_document="(2026)豫1528民初300号")
    assert error_codes(await life.lawsuit(objection["id"])) == ["INVALID_STATE"]
    _, notice = await life.pre_registered(life.unit["id"])
    assert error_codes(await life.lawsuit(notice["id"])) == ["NOT_FOUND"]


@pytest.mark.parametrize("role, party", [("HOUSING", None), ("BUYER", ids.WANG_WU), ("DEVELOPER", ids.DEVELOPER)])
async def test_only_a_registrar_records_it(life, objection, role, party):
    assert error_codes(await life.lawsuit(objection["id"], bearer=token(role, party, ["ca", "face"]))) == ["FORBIDDEN"]
