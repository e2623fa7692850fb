"""decideRegistration: a REGISTRAR decides what the instant decision left to a person, with a
reason kept on the registration and in the property's history; the queue is oldest first."""

from __future__ import annotations

import pytest

from domain.models import Registration, SharedPersonRecord
from tests import ids
from tests.changes import Changes
from tests.mutations.conftest import error_codes, error_fields
from tests.seizures import seize
from tests.support import token


@pytest.fixture
async def life(gql):
    return await Changes(gql).setup()


async def _in_review(life, unit: dict, bearer: str | None = None, buyer: str = ids.ZHANG_SAN) -> dict:
    """A buyer who answers "no" to the inquiry: the application goes to a person."""
    tokens = {ids.ZHANG_SAN: life.actors.zhang, ids.LI_SI: life.actors.li}
    _, registration = await life.filed_contract(unit["id"], buyer_tokens={buyer: tokens[buyer]})
    review = (await life.submit(registration["id"], tokens[buyer], accept=False))["registration"]
    assert review["status"] == "IN_REVIEW"
    return review


@pytest.fixture
async def review(life):
    _, units = await life.permit_with_units(units=2)
    life.units = units
    return await _in_review(life, units[0])


async def test_approval_completes_with_a_proof_and_the_decision_kept(life, review):
    payload = await life.decide(review["id"], True, reason="买受人已书面确认交房即交证")
    assert payload["userErrors"] == []
    done = payload["registration"]
    assert (done["status"], done["rightStatus"], done["decidedBy"]) == ("COMPLETED", "IN_FORCE", "REGISTRAR")
    assert "不动产证明" in done["number"] and done["certificate"]["status"] == "CURRENT"
    assert done["decision"]["reason"] == "买受人已书面确认交房即交证"
    assert done["decision"]["deciderSubject"] and done["decision"]["decidedAt"]
    assert done["property"]["status"] == "PRE_REGISTERED"
    history = await life.history(life.units[0]["unitCode"])
    assert [e["type"] for e in history][-3:] == [
        "REGISTRATION_IN_REVIEW",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]
    assert (
        history[-2]["payload"]["reason"] == "买受人已书面确认交房即交证"
        and history[-2]["payload"]["decidedBy"] == "REGISTRAR"
    )


async def test_rejection_is_final_and_keeps_its_reason(life, review):
    done = (await life.decide(review["id"], False, reason="买受人不接受交房即交证"))["registration"]
    assert (done["status"], done["rightStatus"], done["number"], done["decidedBy"]) == (
        "REJECTED",
        "PENDING",
        None,
        "REGISTRAR",
    )
    assert done["decision"]["reason"] == "买受人不接受交房即交证"
    history = await life.history(life.units[0]["unitCode"])
    assert (
        history[-1]["type"] == "REGISTRATION_REJECTED" and history[-1]["payload"]["reason"] == "买受人不接受交房即交证"
    )
    assert error_codes(await life.decide(review["id"], True)) == ["INVALID_STATE"]


async def test_an_identity_mismatch_is_approved_by_a_person(life):
    _, units = await life.permit_with_units(units=1)
    _, registration = await life.filed_contract(units[0]["id"])
    await SharedPersonRecord.create(id_number=ids.ZHANG_SAN, name="张叁", marital_status="SINGLE")
    review = (await life.submit(registration["id"], life.actors.zhang))["registration"]
    assert review["status"] == "IN_REVIEW"
    assert (await life.decide(review["id"], True, reason="户籍更名,已核对"))["registration"]["status"] == "COMPLETED"


async def test_the_queue_is_the_registrars_oldest_first(life, review):
    second = await _in_review(life, life.units[1], buyer=ids.LI_SI)
    query = (
        "{ registrations(filter: {status: IN_REVIEW}) { totalCount edges { node { id status "
        "inquiry { party { name } answer } } } } }"
    )
    queue = (await life.client.data(query, bearer=life.actors.registrar))["registrations"]
    assert [e["node"]["id"] for e in queue["edges"]] == [review["id"], second["id"]]
    assert queue["edges"][0]["node"]["inquiry"] == [{"party": {"name": "张三"}, "answer": False}]
    await life.decide(review["id"], True)
    queue = (await life.client.data(query, bearer=life.actors.registrar))["registrations"]
    assert [e["node"]["id"] for e in queue["edges"]] == [second["id"]]


async def test_a_person_does_not_overrule_a_hard_rule(life, review):
    await seize(life.units[0]["id"])
    assert error_codes(await life.decide(review["id"], True)) == ["ENCUMBERED"]
    assert (await Registration.get(kind="ADVANCE_NOTICE")).status == "IN_REVIEW"
    assert (await life.decide(review["id"], False, reason="查封"))["registration"]["status"] == "REJECTED"


async def test_only_an_application_in_review_is_decided(life):
    _, units = await life.permit_with_units(units=1)
    _contract, notice = await life.pre_registered(units[0]["id"])
    assert error_fields(await life.decide(notice["id"], True)) == [("INVALID_STATE", ["input", "registrationId"])]


async def test_a_reason_is_required(life, review):
    assert error_fields(await life.decide(review["id"], True, reason="")) == [("INVALID_INPUT", ["input", "reason"])]


async def test_an_unknown_registration_is_not_found(life, review):
    from resolvers.ids import to_global_id

    assert error_codes(await life.decide(to_global_id("Registration", 999), True)) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "role, party",
    [
        ("HOUSING", None),
        ("TAX", None),
        ("SUPERVISOR", None),
        ("BUYER", ids.ZHANG_SAN),
        ("DEVELOPER", ids.DEVELOPER),
        ("BANK", ids.BANK),
    ],
)
async def test_only_a_registrar_decides(life, review, role, party):
    assert error_codes(await life.decide(review["id"], True, bearer=token(role, party, ["ca", "face"]))) == [
        "FORBIDDEN"
    ]
