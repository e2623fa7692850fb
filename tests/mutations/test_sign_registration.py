"""signRegistration: each applicant signs the cancellation's application; the last signature
decides at once, and the withdrawn sale can then be cancelled and the home sold again."""

from __future__ import annotations

import pytest

from domain.models import Certificate, Event, Registration
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.seizures import seize
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


@pytest.fixture
async def cancellation(life):
    _, units = await life.permit_with_units(units=1)
    life.unit = units[0]
    life.contract, life.notice = await life.pre_registered(units[0]["id"])
    applied = await life.apply_cancellation(life.notice["id"], life.actors.zhang)
    assert applied["userErrors"] == []
    return applied["registration"]


async def test_the_last_signature_cancels_the_notice_with_a_proof(life, cancellation):
    first = await life.sign_registration(cancellation, life.actors.zhang)
    assert first["userErrors"] == [] and first["registration"]["status"] == "AWAITING_SIGNATURE"
    done = (await life.sign_registration(cancellation, life.actors.developer))["registration"]
    assert (done["status"], done["rightStatus"], done["decidedBy"]) == ("COMPLETED", "IN_FORCE", "SYSTEM")
    assert done["cancels"]["rightStatus"] == "HISTORIC"
    assert done["property"]["status"] == "SOLD"
    assert [c["rule"] for c in done["checks"]] == [
        "SIGNATURES_COMPLETE",
        "RIGHT_IN_FORCE",
        "NO_ADVANCE_MORTGAGE",
        "NO_SEIZURE",
    ]
    certificate = await Certificate.get(number=done["number"])
    assert certificate.content["right"] == "注销登记" and certificate.content["cancels"] == life.notice["number"]
    types = [e.type for e in await Event.filter(registration_id=certificate.registration_id).order_by("seq")]
    assert types == [
        "REGISTRATION_SUBMITTED",
        "REGISTRATION_SUBMITTED",
        "REGISTRATION_SUBMITTED",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]


async def test_a_signature_over_another_text_is_refused(life, cancellation):
    payload = await life.sign_registration(cancellation, life.actors.zhang, document_hash="0" * 64)
    assert error_fields(payload) == [("INVALID_INPUT", ["input", "documentHash"])]


async def test_signing_twice_is_a_duplicate(life, cancellation):
    await life.sign_registration(cancellation, life.actors.zhang)
    assert error_codes(await life.sign_registration(cancellation, life.actors.zhang)) == ["DUPLICATE"]


async def test_a_seizure_since_the_application_refuses_the_last_signature_and_changes_nothing(life, cancellation):
    await life.sign_registration(cancellation, life.actors.zhang)
    await seize(life.unit["id"])
    assert error_codes(await life.sign_registration(cancellation, life.actors.developer)) == ["ENCUMBERED"]
    assert (await Registration.get(kind="ADVANCE_NOTICE")).right_status == "IN_FORCE"
    assert (await Registration.get(kind="CANCELLATION")).status == "AWAITING_SIGNATURE"


async def test_a_completed_application_takes_no_more_signatures(life, cancellation):
    await life.sign_registration(cancellation, life.actors.zhang)
    await life.sign_registration(cancellation, life.actors.developer)
    assert error_codes(await life.sign_registration(cancellation, life.actors.zhang)) == ["INVALID_STATE"]


async def test_the_advance_notice_is_not_signed_here(life, cancellation):
    payload = await life.sign_registration({"id": life.notice["id"], "applicationForm": {}}, life.actors.zhang)
    assert error_codes(payload) == ["INVALID_STATE"]


async def test_signers_prove_who_they_are(life, cancellation):
    assert error_codes(await life.sign_registration(cancellation, token("BUYER", ids.ZHANG_SAN, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]
    assert error_codes(await life.sign_registration(cancellation, token("DEVELOPER", ids.DEVELOPER, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]


@pytest.mark.parametrize("role, party", [("REGISTRAR", None), ("HOUSING", None), ("BANK", ids.BANK)])
async def test_only_applicants_sign(life, cancellation, role, party):
    assert error_codes(await life.sign_registration(cancellation, token(role, party, ["ca", "face"]))) == ["FORBIDDEN"]


@pytest.mark.parametrize("role, party", [("BUYER", ids.WANG_WU), ("DEVELOPER", ids.OTHER_DEVELOPER)])
async def test_a_viewer_who_may_not_see_the_application_finds_nothing(life, cancellation, role, party):
    assert error_codes(await life.sign_registration(cancellation, token(role, party, ["ca", "face"]))) == ["NOT_FOUND"]
