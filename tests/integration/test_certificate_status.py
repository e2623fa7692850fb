"""Certificates that tell the truth: valid still means issued and unaltered, the status says
whether the certificate describes the register; anonymous verifiers see nothing beyond it."""

from __future__ import annotations

import pytest

from tests.changes import Changes


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


async def test_after_a_cancellation_the_old_proof_is_valid_but_cancelled(life):
    _, units = await life.permit_with_units(units=1)
    _, notice = await life.pre_registered(units[0]["id"])
    assert (await life.verify(notice["certificate"]))["status"] == "CURRENT"
    done = await life.cancel_notice_together(notice["id"], [life.actors.zhang])
    old = await life.verify(notice["certificate"])
    assert (old["valid"], old["status"], old["supersededBy"]) == (True, "CANCELLED", None)
    assert (await life.verify(done["certificate"]))["status"] == "CURRENT"


async def test_after_the_transfer_the_notices_proof_is_superseded(life):
    permit, units = await life.permit_with_units(units=1)
    contract, notice = await life.pre_registered(units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    seen = await life.verify(notice["certificate"], bearer=life.actors.zhang)
    assert (seen["valid"], seen["status"]) == (True, "SUPERSEDED")
    assert seen["supersededBy"] == {"number": transfer["certificate"]["number"]}
    anonymous = await life.verify(notice["certificate"])
    assert (anonymous["valid"], anonymous["status"], anonymous["supersededBy"]) == (True, "SUPERSEDED", None)
    assert anonymous["certificate"]["status"] == "SUPERSEDED"


async def test_a_certificate_that_does_not_match_is_not_valid(life):
    _, units = await life.permit_with_units(units=1)
    _, notice = await life.pre_registered(units[0]["id"])
    forged = await life.verify({**notice["certificate"], "contentHash": "0" * 64})
    assert (forged["valid"], forged["certificate"]) == (False, None)
