"""When a sale changes course (DESIGN §7), over HTTP against a real server, each actor with its
own token: withdrawal and resale, review by a person, objections."""

from __future__ import annotations

from datetime import timedelta

from api.keys import load_keyring
from domain.clock import FixedClock
from domain.models import Registration, SharedPersonRecord
from domain.services.context import system_use_case
from domain.services.time_rules import sweep
from tests import ids
from tests.changes import Changes


def _types(history: list[dict]) -> list[str]:
    return [e["type"] for e in history]


async def test_withdraw_after_the_advance_notice_refund_and_resell(server_gql):
    life = await Changes(server_gql).setup()
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    contract, notice = await life.pre_registered(units[0]["id"])
    mortgage = await life.mortgaged(contract["id"], [actors.zhang])
    # The buyer withdraws (退房): first the lender lets its advance mortgage go.
    assert [e["code"] for e in (await life.apply_cancellation(notice["id"], actors.zhang))["userErrors"]] == [
        "ENCUMBERED"
    ]
    assert (await life.discharge(mortgage["id"]))["userErrors"] == []
    cancellation = await life.cancel_notice_together(notice["id"], [actors.zhang])
    assert (cancellation["status"], cancellation["cancels"]["rightStatus"]) == ("COMPLETED", "HISTORIC")
    old = await life.verify(notice["certificate"])
    assert (old["valid"], old["status"]) == (True, "CANCELLED")
    cancelled = await life.cancel(contract["id"], reason="买受人退房")
    assert cancelled["userErrors"] == [] and cancelled["contract"]["property"]["status"] == "AVAILABLE"
    refund = await life.refund(contract["id"], "300000.00", "RF-2026-001")
    assert refund["userErrors"] == [] and refund["contract"]["refundDue"] == "0.00"
    # Someone else buys the home and pre-registers it.
    resold, again = await life.pre_registered(units[0]["id"], buyer_tokens={ids.LI_SI: actors.li})
    assert (resold["status"], again["status"], again["property"]["status"]) == ("FILED", "COMPLETED", "PRE_REGISTERED")
    types = _types(await life.history(units[0]["unitCode"]))
    withdrawn = types.index("CONTRACT_CANCELLED")
    assert types.index("FUNDS_REFUNDED") > withdrawn and types.count("CONTRACT_FILED") == 2
    # The advance notice, the advance mortgage, its discharge and the cancellation, before the withdrawal.
    assert types[:withdrawn].count("REGISTRATION_COMPLETED") == 4


async def test_identity_mismatch_review_and_approval(server_gql, db):
    life = await Changes(server_gql).setup()
    _, units = await life.permit_with_units(units=1)
    _, registration = await life.filed_contract(units[0]["id"])
    await SharedPersonRecord.create(id_number=ids.ZHANG_SAN, name="张叁", marital_status="SINGLE")
    review = (await life.submit(registration["id"], life.actors.zhang))["registration"]
    assert review["status"] == "IN_REVIEW"
    queue = await server_gql.data(
        "{ registrations(filter: {status: IN_REVIEW}) { edges { node { id checks { rule passed } } } } }",
        bearer=life.actors.registrar,
    )
    [entry] = queue["registrations"]["edges"]
    assert entry["node"]["id"] == registration["id"]
    assert [c["rule"] for c in entry["node"]["checks"] if not c["passed"]] == ["IDENTITIES_MATCH_SHARED_DATA"]
    done = (await life.decide(registration["id"], True, reason="户籍信息已更正,身份核实一致"))["registration"]
    assert (done["status"], done["decidedBy"], done["decision"]["reason"]) == (
        "COMPLETED",
        "REGISTRAR",
        "户籍信息已更正,身份核实一致",
    )
    assert (await life.verify(done["certificate"]))["status"] == "CURRENT"
    assert _types(await life.history(units[0]["unitCode"]))[-3:] == [
        "REGISTRATION_IN_REVIEW",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]


async def test_inquiry_no_review_rejection_reapplication_approval(server_gql):
    life = await Changes(server_gql).setup()
    _, units = await life.permit_with_units(units=1)
    contract, registration = await life.filed_contract(units[0]["id"])
    review = (await life.submit(registration["id"], life.actors.zhang, accept=False))["registration"]
    assert review["status"] == "IN_REVIEW"
    rejected = (await life.decide(registration["id"], False, reason="买受人不同意交房即交证"))["registration"]
    assert rejected["status"] == "REJECTED"
    fresh = (await life.reapply(contract["id"], life.actors.zhang))["registration"]
    assert fresh["status"] == "AWAITING_SIGNATURE"
    done = (await life.submit(fresh["id"], life.actors.zhang, accept=True))["registration"]
    assert (done["status"], done["decidedBy"], done["property"]["status"]) == ("COMPLETED", "SYSTEM", "PRE_REGISTERED")
    types = _types(await life.history(units[0]["unitCode"]))
    assert types[types.index("REGISTRATION_IN_REVIEW") :] == [
        "REGISTRATION_IN_REVIEW",
        "REGISTRATION_REJECTED",
        "REGISTRATION_SUBMITTED",
        "REGISTRATION_SUBMITTED",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]


async def test_an_objection_that_lapses(server_gql, db, settings):
    life = await Changes(server_gql).setup()
    permit, units = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    objection = (await life.object(units[0]["id"], ids.WANG_WU))["registration"]
    assert [e["code"] for e in (await life.first_registration(permit["id"]))["userErrors"]] == ["ENCUMBERED"]
    registered_at = (await Registration.get(kind="OBJECTION")).completed_at
    clock = FixedClock(registered_at + timedelta(days=15))
    report = await sweep(system_use_case(clock, settings.policy, load_keyring(settings)))
    assert report.objections_lapsed == 1
    lapsed = await server_gql.data(
        "query($id: ID!) { node(id: $id) { ... on Registration { rightStatus certificate { status } } } }",
        {"id": objection["id"]},
        bearer=life.actors.registrar,
    )
    assert lapsed["node"] == {"rightStatus": "LAPSED", "certificate": {"status": "CANCELLED"}}
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    assert transfer["rightHolders"] == [{"name": "张三"}]
    types = _types(await life.history(units[0]["unitCode"]))
    assert types.index("RIGHT_LAPSED") < len(types) - 1


async def test_an_objection_kept_by_a_lawsuit_then_cancelled(server_gql, db, settings):
    life = await Changes(server_gql).setup()
    _, units = await life.permit_with_units(units=1)
    await SharedPersonRecord.create(id_number=ids.WANG_WU, name="王五", marital_status="SINGLE")
    objection = (await life.object(units[0]["id"], ids.WANG_WU))["registration"]
    assert (await life.lawsuit(objection["id"]))["userErrors"] == []
    registered_at = (await Registration.get(kind="OBJECTION")).completed_at
    clock = FixedClock(registered_at + timedelta(days=30))
    assert (await sweep(system_use_case(clock, settings.policy, load_keyring(settings)))).objections_lapsed == 0
    done = (
        await life.apply_cancellation(
            objection["id"], life.actors.registrar, reason="判决驳回异议", court_document="(2026)豫1528民初300号"
        )
    )["registration"]
    assert (done["status"], done["decidedBy"], done["cancels"]["rightStatus"]) == ("COMPLETED", "REGISTRAR", "HISTORIC")
    assert (await life.verify(objection["certificate"]))["status"] == "CANCELLED"
    types = _types(await life.history(units[0]["unitCode"]))
    assert types == [
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
        "OBJECTION_LAWSUIT_RECORDED",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
    ]


async def test_correction_of_the_area(server_gql, db):
    life = await Changes(server_gql).setup()
    permit, units = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    [transfer] = (await life.first_registration(permit["id"]))["transfers"]
    applied = await life.call(
        """mutation($input: ApplyCorrectionRegistrationInput!) { applyCorrectionRegistration(input: $input) {
             registration { id status } userErrors { code } } }""",
        "applyCorrectionRegistration",
        {
            "registrationId": transfer["id"],
            "corrections": [{"field": "buildingArea", "value": "91.05"}],
            "reason": "测绘成果更正",
        },
        life.actors.zhang,
    )
    assert applied["userErrors"] == [] and applied["registration"]["status"] == "IN_REVIEW"
    done = (await life.decide(applied["registration"]["id"], True, reason="依测绘报告更正"))["registration"]
    assert done["status"] == "COMPLETED"
    old = await life.verify(transfer["certificate"], bearer=life.actors.zhang)
    assert (old["valid"], old["status"]) == (True, "SUPERSEDED")
    owner = await server_gql.data(
        (
            '{ property(unitCode: "%s") { buildingArea registrations(inForce: true) { edges { '
            "node { kind certificate { number contentHash status content } } } } } }"
        )
        % units[0]["unitCode"],
        bearer=life.actors.zhang,
    )
    [current] = [e["node"] for e in owner["property"]["registrations"]["edges"] if e["node"]["kind"] == "TRANSFER"]
    assert owner["property"]["buildingArea"] == "91.05"
    assert (
        current["certificate"]["number"] == old["supersededBy"]["number"]
        and current["certificate"]["status"] == "CURRENT"
    )
    assert current["certificate"]["content"]["property"]["buildingArea"] == "91.05"
    anonymous = await life.verify(current["certificate"])
    assert (anonymous["valid"], anonymous["status"]) == (True, "CURRENT")
