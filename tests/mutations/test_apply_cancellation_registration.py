"""applyCancellationRegistration: the holders and the seller apply to cancel an advance notice,
or a REGISTRAR alone on a court document; refused while an advance mortgage or seizure stands."""

from __future__ import annotations

import pytest

from domain.models import Event, Registration
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.seizures import seize
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def notice(life):
    _, units = await life.permit_with_units(units=1)
    life.unit = units[0]
    contract, registration = await life.pre_registered(units[0]["id"])
    life.contract = contract
    return registration


async def test_a_buyer_applies_and_the_application_awaits_every_applicants_signature(life, notice):
    payload = await life.apply_cancellation(notice["id"], life.actors.zhang)
    assert payload["userErrors"] == []
    cancellation = payload["registration"]
    assert (cancellation["kind"], cancellation["status"], cancellation["cancels"]["id"]) == (
        "CANCELLATION",
        "AWAITING_SIGNATURE",
        notice["id"],
    )
    assert [a["name"] for a in cancellation["applicants"]] == ["张三", "息县新园置业有限公司"]
    assert cancellation["applicationForm"]["cancels"]["number"] == notice["number"]
    assert (await Registration.get(kind="ADVANCE_NOTICE")).right_status == "IN_FORCE"


async def test_the_seller_may_apply_too(life, notice):
    payload = await life.apply_cancellation(notice["id"], life.actors.developer)
    assert payload["userErrors"] == [] and payload["registration"]["status"] == "AWAITING_SIGNATURE"


async def test_a_registrar_with_a_court_document_cancels_at_once(life, notice):
    payload = await life.apply_cancellation(
        notice["id"], life.actors.registrar, reason="法院判决解除合同", court_document="(2026)豫1528民初88号"
    )
    assert payload["userErrors"] == []
    done = payload["registration"]
    assert (done["status"], done["decidedBy"], done["cancels"]["rightStatus"]) == ("COMPLETED", "REGISTRAR", "HISTORIC")
    assert done["decision"]["reason"] == "法院判决解除合同" and done["decision"]["deciderSubject"]
    assert done["certificate"]["kind"] == "REGISTRATION_PROOF" and "不动产证明" in done["number"]
    assert done["property"]["status"] == "SOLD"
    assert done["applicationForm"]["courtDocument"] == "(2026)豫1528民初88号"
    types = [e.type for e in await Event.filter(registration_id__isnull=False).order_by("seq")][-2:]
    assert types == ["REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED"]


async def test_a_registrar_needs_the_court_document(life, notice):
    payload = await life.apply_cancellation(notice["id"], life.actors.registrar)
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "courtDocument"])]


async def test_a_reason_is_required(life, notice):
    assert error_fields(await life.apply_cancellation(notice["id"], life.actors.zhang, reason=" ")) == [
        ("INVALID_INPUT", ["input", "reason"])
    ]


async def test_refused_while_an_advance_mortgage_rests_on_the_notice_until_the_lender_discharges_it(life, notice):
    mortgage = await life.mortgaged(life.contract["id"], [life.actors.zhang])
    assert error_codes(await life.apply_cancellation(notice["id"], life.actors.zhang)) == ["ENCUMBERED"]
    assert error_codes(
        await life.apply_cancellation(notice["id"], life.actors.registrar, court_document="(2026)豫1528民初88号")
    ) == ["ENCUMBERED"]
    # dischargeMortgage works on an ADVANCE_MORTGAGE.
    discharged = await life.discharge(mortgage["id"])
    assert discharged["userErrors"] == []
    assert discharged["registration"]["kind"] == "MORTGAGE_DISCHARGE"
    assert discharged["registration"]["mortgage"]["status"] == "DISCHARGED"
    assert (await Registration.get(kind="ADVANCE_MORTGAGE")).right_status == "HISTORIC"
    assert (await life.apply_cancellation(notice["id"], life.actors.zhang))["userErrors"] == []


async def test_refused_while_the_property_is_seized(life, notice):
    await seize(life.unit["id"])
    assert error_codes(await life.apply_cancellation(notice["id"], life.actors.zhang)) == ["ENCUMBERED"]


async def test_a_right_not_in_force_is_not_cancelled(life, notice):
    await life.apply_cancellation(notice["id"], life.actors.registrar, court_document="(2026)豫1528民初88号")
    assert error_codes(await life.apply_cancellation(notice["id"], life.actors.zhang)) == ["INVALID_STATE"]


async def test_a_second_application_while_one_awaits_signatures_is_a_duplicate(life, notice):
    await life.apply_cancellation(notice["id"], life.actors.zhang)
    assert error_codes(await life.apply_cancellation(notice["id"], life.actors.developer)) == ["DUPLICATE"]


async def test_a_buyer_applies_after_face_recognition(life, notice):
    assert error_codes(await life.apply_cancellation(notice["id"], token("BUYER", ids.ZHANG_SAN, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]
    assert error_codes(await life.apply_cancellation(notice["id"], token("DEVELOPER", ids.DEVELOPER, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]


@pytest.mark.parametrize(
    "role, party", [("HOUSING", None), ("TAX", None), ("SUPERVISOR", None), ("PROVIDENT_FUND", ids.BANK)]
)
async def test_roles_that_never_apply_are_forbidden(life, notice, role, party):
    assert error_codes(await life.apply_cancellation(notice["id"], token(role, party, ["ca", "face"]))) == ["FORBIDDEN"]


async def test_the_lender_sees_the_notice_but_does_not_apply(life, notice):
    assert error_codes(await life.apply_cancellation(notice["id"], token("BANK", ids.BANK, ["ca"]))) == ["FORBIDDEN"]


@pytest.mark.parametrize("role, party", [("BUYER", ids.WANG_WU), ("DEVELOPER", ids.OTHER_DEVELOPER)])
async def test_a_viewer_who_may_not_see_the_notice_finds_nothing(life, notice, role, party):
    assert error_codes(await life.apply_cancellation(notice["id"], token(role, party, ["ca", "face"]))) == ["NOT_FOUND"]
