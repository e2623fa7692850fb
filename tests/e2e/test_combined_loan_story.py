"""A new home bought with a combined loan (组合贷, issue 14 item 5), over HTTP against a real server:
two buyers, a bank and the provident fund centre, each lender's own loan and advance mortgage, and
first registration converting both into mortgages in force. Each lender hears the contract's
events live, never the other's loan; a bank not chosen hears nothing of it."""

from __future__ import annotations

import asyncio
import json

from tests import ids
from tests.combined import LENDERS, CombinedLife
from tests.ws import Subscription

EVENTS = (
    "subscription($after: String) { events(after: $after) {"
    " cursor type payload contract { number } registration { kind } mortgage { id } } }"
)
BANK_PRINCIPAL, FUND_PRINCIPAL = "412345.00", "287654.00"

REGISTER = """query($code: String!) { property(unitCode: $code) {
  status owners { name }
  registrations(inForce: true) { edges { node {
    kind number rightHolders { idNumber } mortgage { id lender { idNumber } status principal }
    convertedFrom { kind rightStatus } certificate { kind number content } } } }
  mortgages { edges { node { id status principal lender { idNumber } } } }
} }"""


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_a_combined_loan_sale_through_first_registration(server, server_gql):
    life = await CombinedLife(server_gql).setup()
    actors = life.actors
    permit, [unit] = await life.permit_with_units(units=1)

    async with (
        Subscription(server.url, actors.bank, EVENTS) as bank_hears,
        Subscription(server.url, life.fund, EVENTS) as fund_hears,
        Subscription(server.url, actors.other_bank, EVENTS) as other_hears,
    ):
        # The developer drafts a combined loan naming the bank and the fund; both buyers and the
        # developer sign; the money arrives; the contract is filed; both buyers sign the notice.
        buyers = {ids.ZHANG_SAN: actors.zhang, ids.LI_SI: actors.li}
        contract, notice = await life.pre_registered(
            unit["id"],
            buyer_tokens=buyers,
            buyers=[
                {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.5"},
                {"idNumber": ids.LI_SI, "name": "李四", "share": "0.5"},
            ],
        )
        assert (notice["kind"], notice["rightStatus"]) == ("ADVANCE_NOTICE", "IN_FORCE")
        seen = await server_gql.data(
            "query($id: ID!) { node(id: $id) { ... on Contract {"
            " paymentMethod lender { idNumber } lenders { idNumber } } } }",
            {"id": contract["id"]},
            bearer=life.fund,
        )
        assert seen["node"] == {
            "paymentMethod": "COMBINED_LOAN",
            "lender": {"idNumber": ids.BANK},
            "lenders": [{"idNumber": n} for n in LENDERS],
        }

        # Each lender approves its own loan; together they stay within price − down payment.
        bank = await life.approve(contract["id"], principal=BANK_PRINCIPAL, bearer=actors.bank)
        assert bank["userErrors"] == []
        too_much = await life.approve(contract["id"], principal="287655.01", bearer=life.fund)
        assert [(e["code"], e["field"]) for e in too_much["userErrors"]] == [("INVALID_INPUT", ["input", "principal"])]
        fund = await life.approve(contract["id"], principal=FUND_PRINCIPAL, bearer=life.fund)
        assert fund["userErrors"] == []
        assert _codes(await life.approve(contract["id"], bearer=actors.other_bank)) == ["NOT_FOUND"]
        bank_mortgage, fund_mortgage = bank["mortgage"], fund["mortgage"]

        # Each borrower's one face token signs both loans.
        for bearer in buyers.values():
            for mortgage in (bank_mortgage, fund_mortgage):
                assert (await life.sign_mortgage(mortgage["id"], bearer))["userErrors"] == []

        # Each lender applies its own advance mortgage, the bank first; not the other's.
        assert _codes(await life.advance_mortgage(fund_mortgage["id"], bearer=actors.bank)) == ["NOT_FOUND"]
        for mortgage, bearer in ((bank_mortgage, actors.bank), (fund_mortgage, life.fund)):
            applied = await life.advance_mortgage(mortgage["id"], bearer=bearer)
            assert applied["userErrors"] == [], applied
            assert applied["registration"]["mortgage"]["status"] == "ADVANCE_REGISTERED"

        # Deed tax paid, completion accepted, first registration: the buyers own the home, and both
        # advance mortgages became mortgages in force, in the order they were registered.
        await life.pay_all(contract["id"])
        assert (await life.accept_completion(permit["id"]))["userErrors"] == []
        applied = await life.first_registration(permit["id"])
        assert applied["userErrors"] == [], applied
        [transfer] = applied["transfers"]
        assert (transfer["status"], transfer["rightStatus"]) == ("COMPLETED", "IN_FORCE")

        register = (await server_gql.data(REGISTER, {"code": unit["unitCode"]}, bearer=actors.registrar))["property"]
        assert register["status"] == "REGISTERED"
        assert sorted(o["name"] for o in register["owners"]) == ["张三", "李四"]
        rights = [e["node"] for e in register["registrations"]["edges"]]
        assert sorted(r["kind"] for r in rights) == ["MORTGAGE", "MORTGAGE", "TRANSFER"]
        [ownership] = [r for r in rights if r["kind"] == "TRANSFER"]
        assert ownership["certificate"]["kind"] == "OWNERSHIP_CERTIFICATE"
        assert sorted(h["idNumber"] for h in ownership["rightHolders"]) == sorted([ids.ZHANG_SAN, ids.LI_SI])
        mortgages = sorted((r for r in rights if r["kind"] == "MORTGAGE"), key=lambda r: r["number"])
        assert [(r["mortgage"]["lender"]["idNumber"], r["mortgage"]["principal"]) for r in mortgages] == [
            (ids.BANK, BANK_PRINCIPAL),
            (ids.PROVIDENT_FUND, FUND_PRINCIPAL),
        ]
        for right in mortgages:
            assert right["convertedFrom"] == {"kind": "ADVANCE_MORTGAGE", "rightStatus": "HISTORIC"}
            assert right["mortgage"]["status"] == "REGISTERED"
            assert right["certificate"]["kind"] == "REGISTRATION_PROOF"
            assert right["certificate"]["content"]["principal"] == right["mortgage"]["principal"]
            assert [h["idNumber"] for h in right["rightHolders"]] == [right["mortgage"]["lender"]["idNumber"]]
        assert sorted(e["node"]["status"] for e in register["mortgages"]["edges"]) == ["REGISTERED", "REGISTERED"]

        # The homes count of both buyers now includes the home (it did through the filed contract).
        for code in (ids.ZHANG_SAN, ids.LI_SI):
            counted = await server_gql.data(
                "query($n: String!) { homesOwned(idNumber: $n, scope: INDIVIDUAL) { count } }",
                {"n": code},
                bearer=life.fund,
            )
            assert counted["homesOwned"]["count"] == 1

        # Each lender sees the register with the other's mortgage as a right in force, no terms.
        for bearer, own_principal, other_principal in (
            (actors.bank, BANK_PRINCIPAL, FUND_PRINCIPAL),
            (life.fund, FUND_PRINCIPAL, BANK_PRINCIPAL),
        ):
            view = (await server_gql.data(REGISTER, {"code": unit["unitCode"]}, bearer=bearer))["property"]
            kinds = sorted(e["node"]["kind"] for e in view["registrations"]["edges"])
            assert kinds == ["MORTGAGE", "MORTGAGE", "TRANSFER"]
            assert [e["node"]["principal"] for e in view["mortgages"]["edges"]] == [own_principal]
            assert other_principal not in json.dumps(view, ensure_ascii=False)

        # Live events: both lenders heard the contract's events, each only its own loan; the bank
        # not chosen heard nothing of this sale. What each heard is what each may read in the log.
        await asyncio.sleep(2.5)  # a poll interval and more: everything committed has been delivered
        for hears, own, own_principal, other_principal in (
            (bank_hears, bank_mortgage, BANK_PRINCIPAL, FUND_PRINCIPAL),
            (fund_hears, fund_mortgage, FUND_PRINCIPAL, BANK_PRINCIPAL),
        ):
            assert hears.error is None
            types = [e["type"] for e in hears.received]
            assert "CONTRACT_FILED" in types and "MORTGAGE_APPROVED" in types
            assert {e["mortgage"]["id"] for e in hears.received if e["mortgage"]} == {own["id"]}
            mortgage_kinds = [
                e["registration"]["kind"]
                for e in hears.received
                if e["type"] == "REGISTRATION_COMPLETED" and e["mortgage"]
            ]
            assert mortgage_kinds == ["ADVANCE_MORTGAGE", "MORTGAGE"]
            text = json.dumps([e["payload"] for e in hears.received], ensure_ascii=False)
            assert own_principal in text and other_principal not in text
        contract_numbers = {e["contract"]["number"] for e in other_hears.received if e["contract"]}
        assert contract["number"] not in contract_numbers
        assert all(e["mortgage"] is None for e in other_hears.received)
