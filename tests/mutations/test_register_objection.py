"""registerObjection: in force at once; blocks transfers, first registration and new mortgages;
lapses 15 days later through the sweep unless a lawsuit is recorded; ends with a cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.keys import load_keyring
from domain.clock import FixedClock
from domain.models import Event, Registration, SharedPersonRecord
from domain.services.context import system_use_case
from domain.services.time_rules import sweep
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def sold(life):
    """A home pre-registered to 张三, tax paid, completion accepted; 王五 claims it."""
    permit, units = await life.permit_with_units(units=1)
    life.permit, life.unit = permit, units[0]
    life.contract, life.notice = await life.pre_registered(units[0]["id"])
    await life.pay_all(life.contract["id"])
    await life.accept_completion(permit["id"])
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    return life.contract


def _at(settings, moment):
    return system_use_case(FixedClock(moment), settings.policy, load_keyring(settings))


async def test_in_force_at_once_with_a_proof(life, sold):
    payload = await life.object(life.unit["id"], ids.WANG_WU)
    assert payload["userErrors"] == []
    objection = payload["registration"]
    assert (objection["kind"], objection["status"], objection["rightStatus"], objection["decidedBy"]) == (
        "OBJECTION",
        "COMPLETED",
        "IN_FORCE",
        "REGISTRAR",
    )
    assert [a["name"] for a in objection["applicants"]] == ["王五"]
    assert objection["certificate"]["kind"] == "REGISTRATION_PROOF"


async def test_it_blocks_first_registration_and_new_mortgages(life, sold):
    await life.object(life.unit["id"], ids.WANG_WU)
    assert error_codes(await life.first_registration(life.permit["id"])) == ["ENCUMBERED"]
    mortgage = (await life.approve(life.contract["id"]))["mortgage"]
    await life.sign_mortgage(mortgage["id"], life.actors.zhang)
    assert error_codes(await life.advance_mortgage(mortgage["id"])) == ["ENCUMBERED"]


async def test_it_blocks_the_transfer_until_it_lapses_on_day_15(life, sold, settings):
    await life.first_registration(life.permit["id"])  # first registration before the objection: the transfer is done
    assert await Registration.filter(kind="TRANSFER").count() == 1
    _, units = await life.permit_with_units(units=1)
    _contract, _ = await life.pre_registered(units[0]["id"], buyer_tokens={ids.LI_SI: life.actors.li})
    objection = (await life.object(units[0]["id"], ids.WANG_WU))["registration"]
    registered_at = (await Registration.get(kind="OBJECTION")).completed_at
    assert (await sweep(_at(settings, registered_at + timedelta(days=14, hours=23)))).objections_lapsed == 0
    report = await sweep(_at(settings, registered_at + timedelta(days=15)))
    assert report.objections_lapsed == 1
    assert (await Registration.get(kind="OBJECTION")).right_status == "LAPSED"
    [lapsed] = await Event.filter(type="RIGHT_LAPSED")
    assert lapsed.payload["kind"] == "OBJECTION"
    assert error_codes(await life.lawsuit(objection["id"])) == ["INVALID_STATE"]


async def test_a_lawsuit_keeps_it_in_force(life, sold, settings):
    objection = (await life.object(life.unit["id"], ids.WANG_WU))["registration"]
    recorded = await life.lawsuit(objection["id"])
    assert recorded["userErrors"] == [] and recorded["registration"]["lawsuitCaseNumber"] == "(2026)豫1528民初300号"
    registered_at = (await Registration.get(kind="OBJECTION")).completed_at
    assert (await sweep(_at(settings, registered_at + timedelta(days=60)))).objections_lapsed == 0
    assert (await Registration.get(kind="OBJECTION")).right_status == "IN_FORCE"


async def test_it_ends_with_the_applicants_cancellation_and_the_waiting_transfer_completes(life, sold):
    objection = (await life.object(life.unit["id"], ids.WANG_WU))["registration"]
    assert error_codes(await life.first_registration(life.permit["id"])) == ["ENCUMBERED"]
    applied = (await life.apply_cancellation(objection["id"], life.actors.wang, reason="异议人撤回异议"))[
        "registration"
    ]
    done = (await life.sign_registration(applied, life.actors.wang))["registration"]
    assert (done["status"], done["cancels"]["rightStatus"]) == ("COMPLETED", "HISTORIC")
    transfers = (await life.first_registration(life.permit["id"]))["transfers"]
    assert [t["rightHolders"][0]["name"] for t in transfers] == ["张三"]


async def test_a_registrar_cancels_it_on_a_court_document(life, sold):
    objection = (await life.object(life.unit["id"], ids.WANG_WU))["registration"]
    done = (
        await life.apply_cancellation(
            objection["id"], life.actors.registrar, reason="异议不成立", court_document="(2026)豫1528民初300号"
        )
    )["registration"]
    assert (done["status"], done["decidedBy"], done["cancels"]["rightStatus"]) == ("COMPLETED", "REGISTRAR", "HISTORIC")


async def test_only_the_objections_applicant_cancels_it_besides_a_registrar(life, sold):
    objection = (await life.object(life.unit["id"], ids.WANG_WU))["registration"]
    # The developer sees everything on its property, the objection too, but did not apply for it.
    assert error_codes(await life.apply_cancellation(objection["id"], life.actors.developer)) == ["FORBIDDEN"]
    # Another buyer does not see someone else's objection at all.
    assert error_codes(await life.apply_cancellation(objection["id"], life.actors.zhang)) == ["NOT_FOUND"]


async def test_bad_input_is_named(life, sold):
    assert error_fields(await life.object(life.unit["id"], "411528199001011230")) == [
        ("INVALID_INPUT", ["input", "applicantIdNumber"])
    ]
    assert error_fields(await life.object(life.unit["id"], ids.WANG_WU, claim=" ")) == [
        ("INVALID_INPUT", ["input", "claim"])
    ]


async def test_an_unknown_person_is_not_found(life, sold):
    stranger = ids.ZHAO_LIU  # neither on the platform nor in the shared data
    assert error_fields(await life.object(life.unit["id"], stranger)) == [("NOT_FOUND", ["input", "applicantIdNumber"])]


@pytest.mark.parametrize(
    "role, party",
    [("HOUSING", None), ("TAX", None), ("BUYER", ids.WANG_WU), ("DEVELOPER", ids.DEVELOPER), ("BANK", ids.BANK)],
)
async def test_only_a_registrar_registers_objections(life, sold, role, party):
    assert error_codes(await life.object(life.unit["id"], ids.WANG_WU, bearer=token(role, party, ["ca", "face"]))) == [
        "FORBIDDEN"
    ]
