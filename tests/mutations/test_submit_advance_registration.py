"""submitAdvanceRegistration: each buyer answers and signs; the last signature is decided at once."""

from __future__ import annotations

import pytest

from domain.models import Certificate, Contract, Event, Registration, SharedPersonRecord
from resolvers.ids import to_global_id
from tests import ids
from tests.changes import Changes
from tests.families import pk
from tests.mutations.conftest import error_codes
from tests.seizures import seize
from tests.support import token


@pytest.fixture
async def filed(sale):
    _, units = await sale.permit_with_units()
    sale.unit_ids = [u["id"] for u in units]
    return await sale.filed_contract(
        units[0]["id"], buyer_tokens={ids.ZHANG_SAN: sale.actors.zhang, ids.LI_SI: sale.actors.li}
    )


async def test_the_last_buyer_gets_an_instant_approval_with_a_signed_proof(sale, filed):
    _, registration = filed
    first = await sale.submit(registration["id"], sale.actors.zhang)
    assert first["registration"]["status"] == "AWAITING_SIGNATURE" and first["registration"]["checks"] == []
    last = await sale.submit(registration["id"], sale.actors.li)
    done = last["registration"]
    assert (done["status"], done["rightStatus"], done["decidedBy"]) == ("COMPLETED", "IN_FORCE", "SYSTEM")
    assert [c["rule"] for c in done["checks"]] == [
        "CONTRACT_FILED",
        "SIGNATURES_COMPLETE",
        "NO_SEIZURE",
        "NO_COMPETING_ADVANCE_NOTICE",
        "IDENTITIES_MATCH_SHARED_DATA",
        "INQUIRY_ACCEPTED",
        "DATA_COMPLETE",
    ]
    # No shared records here, and the county does not require one: checked where they exist.
    assert "where a record exists" in next(c["message"] for c in done["checks"] if c["rule"] == "DATA_COMPLETE")
    certificate = await Certificate.get(number=done["number"])
    assert certificate.kind == "REGISTRATION_PROOF"
    assert [h["name"] for h in certificate.content["holders"]] == ["张三", "李四"]
    types = [e.type for e in await Event.filter(registration_id=certificate.registration_id).order_by("seq")]
    assert types[-2:] == ["REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED"]


async def test_a_seizure_refuses_the_signature_until_it_is_released(sale, filed):
    _, registration = filed
    await sale.submit(registration["id"], sale.actors.zhang)
    seizure = await seize(sale.unit_ids[0])
    refused = await sale.submit(registration["id"], sale.actors.li)
    assert error_codes(refused) == ["ENCUMBERED"]
    assert (await Registration.get(kind="ADVANCE_NOTICE")).status == "AWAITING_SIGNATURE"
    await sale.client.data(
        (
            "mutation($id: ID!) { releaseSeizure(input: {registrationId: $id, documentNumber: "
            '"(2026)豫1528执100号之一"}) { userErrors { code } } }'
        ),
        {"id": to_global_id("Registration", seizure.id)},
        bearer=sale.actors.registrar,
    )
    done = (await sale.submit(registration["id"], sale.actors.li))["registration"]
    assert done["status"] == "COMPLETED"
    assert [c["rule"] for c in done["checks"] if not c["passed"]] == []


async def test_a_name_that_differs_from_shared_data_goes_to_a_person(sale, filed):
    _, registration = filed
    await SharedPersonRecord.create(id_number=ids.LI_SI, name="李斯", marital_status="SINGLE")
    await sale.submit(registration["id"], sale.actors.zhang)
    review = (await sale.submit(registration["id"], sale.actors.li))["registration"]
    assert (review["status"], review["rightStatus"], review["decidedBy"], review["number"]) == (
        "IN_REVIEW",
        "PENDING",
        None,
        None,
    )
    assert [c["rule"] for c in review["checks"] if not c["passed"]] == ["IDENTITIES_MATCH_SHARED_DATA"]
    assert await Event.filter(type="REGISTRATION_IN_REVIEW").count() == 1


@pytest.fixture
async def strict(strict_gql):
    """A county that requires a shared population record for an instant approval."""
    life = await Changes(strict_gql).setup()
    _, units = await life.permit_with_units(units=1)
    life.contract, life.registration = await life.filed_contract(
        units[0]["id"], buyer_tokens={ids.ZHANG_SAN: life.actors.zhang, ids.LI_SI: life.actors.li}
    )
    return life


async def test_where_a_record_is_required_an_applicant_without_one_goes_to_a_person(strict):
    await SharedPersonRecord.create(id_number=ids.ZHANG_SAN, name="张三", marital_status="SINGLE")
    await strict.submit(strict.registration["id"], strict.actors.zhang)
    review = (await strict.submit(strict.registration["id"], strict.actors.li))["registration"]
    assert (review["status"], review["rightStatus"], review["number"]) == ("IN_REVIEW", "PENDING", None)
    [failed] = [c for c in review["checks"] if not c["passed"]]
    assert failed["rule"] == "DATA_COMPLETE" and "no shared population record for: 李四" in failed["message"]
    assert (await Event.filter(type="REGISTRATION_IN_REVIEW").get()).payload["failedChecks"] == ["DATA_COMPLETE"]
    approved = await strict.decide(review["id"], True, reason="已核对李四的身份证原件")
    assert approved["userErrors"] == []
    done = approved["registration"]
    assert (done["status"], done["rightStatus"], done["decidedBy"]) == ("COMPLETED", "IN_FORCE", "REGISTRAR")
    assert done["certificate"]["kind"] == "REGISTRATION_PROOF" and done["property"]["status"] == "PRE_REGISTERED"


async def test_where_a_record_is_required_applicants_with_records_are_approved_at_once(strict):
    for id_number, name in ((ids.ZHANG_SAN, "张三"), (ids.LI_SI, "李四")):
        await SharedPersonRecord.create(id_number=id_number, name=name, marital_status="SINGLE")
    await strict.submit(strict.registration["id"], strict.actors.zhang)
    done = (await strict.submit(strict.registration["id"], strict.actors.li))["registration"]
    assert (done["status"], done["decidedBy"]) == ("COMPLETED", "SYSTEM")
    [data] = [c for c in done["checks"] if c["rule"] == "DATA_COMPLETE"]
    assert data["passed"] and "every applicant who is a person has a shared population record" in data["message"]


async def test_where_a_record_is_required_a_hard_rule_still_rejects(strict):
    await strict.submit(strict.registration["id"], strict.actors.zhang)
    await Contract.filter(id=pk(strict.contract["id"])).update(status="CANCELLED", filed_property_id=None)
    rejected = (await strict.submit(strict.registration["id"], strict.actors.li))["registration"]
    assert rejected["status"] == "REJECTED"
    assert {c["rule"] for c in rejected["checks"] if not c["passed"]} == {"CONTRACT_FILED", "DATA_COMPLETE"}


async def test_an_inquiry_answered_no_goes_to_a_person(sale, filed):
    _, registration = filed
    await sale.submit(registration["id"], sale.actors.zhang, accept=False)
    review = (await sale.submit(registration["id"], sale.actors.li))["registration"]
    assert review["status"] == "IN_REVIEW"
    assert [c["rule"] for c in review["checks"] if not c["passed"]] == ["INQUIRY_ACCEPTED"]


async def test_a_hard_rule_still_rejects_at_once_even_with_a_rule_a_person_could_judge(sale, filed):
    contract, registration = filed
    await SharedPersonRecord.create(id_number=ids.LI_SI, name="李斯", marital_status="SINGLE")
    await sale.submit(registration["id"], sale.actors.zhang)
    # The contract is no longer filed when the last buyer signs: a hard rule.
    await Contract.filter(id=pk(contract["id"])).update(status="CANCELLED", filed_property_id=None)
    rejected = (await sale.submit(registration["id"], sale.actors.li))["registration"]
    assert rejected["status"] == "REJECTED"
    assert {c["rule"] for c in rejected["checks"] if not c["passed"]} == {
        "CONTRACT_FILED",
        "IDENTITIES_MATCH_SHARED_DATA",
    }


async def test_an_answer_can_be_changed_until_the_decision(sale, filed):
    _, registration = filed
    await sale.submit(registration["id"], sale.actors.zhang, accept=False)
    changed = await sale.submit(registration["id"], sale.actors.zhang, accept=True)
    assert changed["userErrors"] == [] and changed["registration"]["status"] == "AWAITING_SIGNATURE"
    done = (await sale.submit(registration["id"], sale.actors.li))["registration"]
    assert done["status"] == "COMPLETED"
    answers = await sale.client.data(
        "query($id: ID!) { node(id: $id) { ... on Registration { inquiry { party { name } answer answeredAt } } } }",
        {"id": registration["id"]},
        bearer=sale.actors.registrar,
    )
    assert [(a["party"]["name"], a["answer"]) for a in answers["node"]["inquiry"]] == [("张三", True), ("李四", True)]
    # Decided: the answer is final.
    assert error_codes(await sale.submit(registration["id"], sale.actors.zhang, accept=False)) == ["INVALID_STATE"]


async def test_without_face_verification_a_buyer_is_unverified(sale, filed):
    _, registration = filed
    assert error_codes(await sale.submit(registration["id"], token("BUYER", ids.ZHANG_SAN, ["pwd"]))) == [
        "IDENTITY_UNVERIFIED"
    ]


@pytest.mark.parametrize(
    "role, party, code",
    [
        ("BUYER", ids.WANG_WU, "NOT_FOUND"),
        ("DEVELOPER", ids.DEVELOPER, "FORBIDDEN"),
        ("REGISTRAR", None, "FORBIDDEN"),
        ("BANK", ids.BANK, "FORBIDDEN"),
    ],
)
async def test_only_the_buyers_named_submit(sale, filed, role, party, code):
    _, registration = filed
    assert error_codes(await sale.submit(registration["id"], token(role, party, ["face", "ca"]))) == [code]


async def test_answering_twice_is_a_duplicate(sale, filed):
    _, registration = filed
    await sale.submit(registration["id"], sale.actors.zhang)
    assert error_codes(await sale.submit(registration["id"], sale.actors.zhang)) == ["DUPLICATE"]


async def test_a_decided_registration_is_terminal(sale, filed):
    _, registration = filed
    await sale.submit(registration["id"], sale.actors.zhang)
    await sale.submit(registration["id"], sale.actors.li)
    assert error_codes(await sale.submit(registration["id"], sale.actors.li)) == ["INVALID_STATE"]


async def test_proof_numbers_are_gapless_per_year(sale):
    _, units = await sale.permit_with_units(units=2)
    numbers = []
    for unit in units:
        _, registration = await sale.filed_contract(unit["id"])
        numbers.append((await sale.submit(registration["id"], sale.actors.zhang))["registration"]["number"])
    assert [n[-8:] for n in numbers] == ["0000001号", "0000002号"]
    assert await Registration.filter(kind="ADVANCE_NOTICE", right_status="IN_FORCE").count() == 2


async def test_a_submission_that_approves_nothing_keeps_no_proof_number(sale):
    """A review, a rejection or a refusal keeps no proof number: the numbers stay gapless."""
    _, units = await sale.permit_with_units(units=4)
    _, first = await sale.filed_contract(units[0]["id"])
    assert (await sale.submit(first["id"], sale.actors.zhang))["registration"]["number"].endswith("第0000001号")

    _, mismatched = await sale.filed_contract(units[1]["id"], buyer_tokens={ids.LI_SI: sale.actors.li})
    await SharedPersonRecord.create(id_number=ids.LI_SI, name="李斯", marital_status="SINGLE")
    review = (await sale.submit(mismatched["id"], sale.actors.li))["registration"]
    assert (review["status"], review["number"]) == ("IN_REVIEW", None)

    _, seized = await sale.filed_contract(units[2]["id"])
    await seize(units[2]["id"])
    assert error_codes(await sale.submit(seized["id"], sale.actors.zhang)) == ["ENCUMBERED"]

    _, last = await sale.filed_contract(units[3]["id"])
    assert (await sale.submit(last["id"], sale.actors.zhang))["registration"]["number"].endswith("第0000002号")
