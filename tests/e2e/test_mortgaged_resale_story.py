"""A home's second life with its mortgage (issue 14 item 8), over HTTP against a real server.

A new home is sold to 张三 and 李四 (60 % / 40 %) and first-registered; its owners mortgage it
with bank A (a registered-home mortgage, priority 1); they resell it WITH the mortgage (带押过户,
bank A consents) to the couple 王大 and 赵二, who pay with a combined loan (组合贷) from bank B
and the provident fund centre. Both new loans are approved on the resale contract and registered
in the same decision as the transfer, after A's (priorities 2 and 3); A records the payoff and
the others move up (1 and 2). Each step is checked against the register: owners, rights in force,
priorities, certificates, the sellers' taxes and the buyers' deed tax, both families' homes and
the home's history; and no lender reads another's loan terms."""

from __future__ import annotations

import json

from tests import families, ids
from tests.combined import CombinedResale
from tests.support import token

HUSBAND, WIFE = families.HUSBAND, families.WIFE
PRICE, DOWN = "1000000.00", "300000.00"
A_PRINCIPAL, B_PRINCIPAL, FUND_PRINCIPAL = "234567.00", "412345.00", "287654.00"

HOMES = "query($n: String!) { homesOwned(idNumber: $n, scope: FAMILY) { count } }"
REGISTER = """query($u: String!) { property(unitCode: $u) {
  id status owners { id idNumber }
  registrations(inForce: true) { edges { node {
    kind number priority rightHolders { idNumber } mortgage { id principal lender { idNumber } }
    certificate { kind number } } } }
  mortgages { edges { node { id status priority principal } } }
} }"""


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_a_mortgaged_home_resold_with_its_mortgage_to_a_family_with_a_combined_loan(server_gql, db):
    await families.family()  # 王大 and 赵二, married, in the shared population data
    life = await CombinedResale(server_gql).setup()
    actors, fund = life.actors, life.fund
    bank_a, bank_b = actors.bank, actors.other_bank
    husband = token("BUYER", HUSBAND, ["face"])
    wife = token("BUYER", WIFE, ["face"])

    async def homes(number: str) -> int:
        return (await server_gql.data(HOMES, {"n": number}, bearer=actors.tax))["homesOwned"]["count"]

    async def all_homes() -> tuple[int, ...]:
        return tuple([await homes(n) for n in (ids.ZHANG_SAN, ids.LI_SI, HUSBAND, WIFE)])

    async def register(bearer: str | None = None) -> dict:
        data = await server_gql.data(REGISTER, {"u": unit["unitCode"]}, bearer=bearer or actors.registrar)
        return data["property"]

    def in_force(view: dict) -> list[tuple]:
        """(kind, lender, priority) of each right in force: the ownership, then mortgages by priority."""
        rights = sorted(
            # A discharge (注销) is listed as completed and in force too; it is no right on the home.
            (e["node"] for e in view["registrations"]["edges"] if e["node"]["kind"] != "MORTGAGE_DISCHARGE"),
            key=lambda r: (r["kind"] != "TRANSFER", r["priority"] or 0),
        )
        return [
            (r["kind"], r["mortgage"]["lender"]["idNumber"] if r["mortgage"] else None, r["priority"]) for r in rights
        ]

    # ---- First life: the new home sold for full payment, first-registered, transferred.
    unit, _, first_transfer = await life.registered_home(
        buyer_tokens={ids.ZHANG_SAN: actors.zhang, ids.LI_SI: actors.li},
        buyers=[
            {"idNumber": ids.ZHANG_SAN, "name": "张三", "share": "0.6"},
            {"idNumber": ids.LI_SI, "name": "李四", "share": "0.4"},
        ],
    )
    home = await register()
    assert home["status"] == "REGISTERED"
    assert [o["idNumber"] for o in home["owners"]] == [ids.ZHANG_SAN, ids.LI_SI]
    assert in_force(home) == [("TRANSFER", None, None)]
    sellers_certificate = first_transfer["certificate"]
    assert (await life.verify(sellers_certificate))["status"] == "CURRENT"
    assert await all_homes() == (1, 1, 0, 0)

    # ---- The owners borrow from bank A against their registered home: priority 1.
    owner_ids = [o["id"] for o in home["owners"]]
    approved = await life.approve_home_loan(home["id"], owner_ids, A_PRINCIPAL, bank_a)
    assert approved["userErrors"] == [], approved
    loan_a = approved["mortgage"]
    assert (loan_a["status"], loan_a["priority"]) == ("APPROVED", 1)
    for bearer in (actors.zhang, actors.li):
        assert (await life.sign_mortgage(loan_a["id"], bearer))["userErrors"] == []
    registered = await life.register_home_mortgage(loan_a["id"], bank_a)
    assert registered["userErrors"] == [], registered
    right_a = registered["registration"]
    assert (right_a["kind"], right_a["status"], right_a["rightStatus"], right_a["priority"]) == (
        "MORTGAGE",
        "COMPLETED",
        "IN_FORCE",
        1,
    )
    assert right_a["certificate"]["kind"] == "REGISTRATION_PROOF"
    assert right_a["mortgage"] == {"id": loan_a["id"], "status": "REGISTERED", "priority": 1}
    assert in_force(await register()) == [("TRANSFER", None, None), ("MORTGAGE", ids.BANK, 1)]
    assert (await life.verify(right_a["certificate"]))["status"] == "CURRENT"

    # ---- The owners resell to 王大 and 赵二 (jointly), who pay with a combined loan.
    contract = await life.signed_resale(
        unit["id"],
        [actors.zhang, actors.li],
        {HUSBAND: husband, WIFE: wife},
        names=families.NAMES,
        price=PRICE,
        down_payment=DOWN,
        payment_method="COMBINED_LOAN",
        lenders=[ids.OTHER_BANK, ids.PROVIDENT_FUND],
    )
    assert contract["kind"] == "RESALE"
    assert [s["idNumber"] for s in contract["sellers"]] == [ids.ZHANG_SAN, ids.LI_SI]
    assert [b["party"]["idNumber"] for b in contract["buyers"]] == [HUSBAND, WIFE]

    # Without bank A's consent the mortgaged home cannot be sold; only bank A consents.
    assert _codes(await life.file_resale(contract["id"], actors.zhang)) == ["ENCUMBERED"]
    assert _codes(await life.consent(loan_a["id"], contract["id"], bank_b)) == ["NOT_FOUND"]
    assert _codes(await life.consent(loan_a["id"], contract["id"], fund)) == ["NOT_FOUND"]
    consented = await life.consent(loan_a["id"], contract["id"], bank_a)
    assert consented["userErrors"] == [] and consented["mortgage"]["status"] == "REGISTERED"
    filed = await life.file_resale(contract["id"], actors.zhang)
    assert filed["userErrors"] == [] and filed["contract"]["status"] == "FILED", filed
    # The buyers' filed contract counts as their family's home; the sellers still hold theirs.
    assert await all_homes() == (1, 1, 1, 1)

    # ---- Bank B and the fund each approve their loan on the resale; bank A is not the buyers' lender.
    assert _codes(await life.approve_resale_loan(contract["id"], "100000.00", bank_a)) == ["FORBIDDEN"]
    loans = {}
    for lender, principal, bearer in (
        (ids.PROVIDENT_FUND, FUND_PRINCIPAL, fund),
        (ids.OTHER_BANK, B_PRINCIPAL, bank_b),
    ):
        approved = await life.approve_resale_loan(contract["id"], principal, bearer)
        assert approved["userErrors"] == [], approved
        loans[lender] = approved["mortgage"]
        # Not registered yet: the rank it would take now, after bank A's.
        assert (loans[lender]["status"], loans[lender]["priority"]) == ("APPROVED", 2)
        assert [b["idNumber"] for b in loans[lender]["borrowers"]] == [HUSBAND, WIFE]
    loan_b, loan_fund = loans[ids.OTHER_BANK], loans[ids.PROVIDENT_FUND]
    for loan in (loan_b, loan_fund):
        for bearer in (husband, wife):  # one face token signs both loans
            assert (await life.sign_mortgage(loan["id"], bearer))["userErrors"] == []

    # ---- The transfer: applied by the husband, signed by every seller and buyer; taxes unpaid: it waits.
    applied = await life.apply_transfer(contract["id"], husband)
    assert applied["userErrors"] == [], applied
    registration = applied["registration"]
    for bearer in (actors.zhang, actors.li, husband, wife):
        signed = await life.sign_transfer(registration, bearer)
        assert signed["userErrors"] == [], signed
    assert signed["registration"]["status"] == "SUBMITTED"
    assert in_force(await register()) == [("TRANSFER", None, None), ("MORTGAGE", ids.BANK, 1)]

    # Held under a year: VAT 5 % of price × share ÷ 1.05 and income tax 1 % of price × share.
    sellers = (await life.seller_taxes(contract["id"]))["taxRecords"]
    assert {(r["taxpayer"]["idNumber"], r["kind"]): r["amount"] for r in sellers} == {
        (ids.ZHANG_SAN, "VAT"): "28571.43",  # 600 000 ÷ 1.05 × 5 %
        (ids.ZHANG_SAN, "INDIVIDUAL_INCOME_TAX"): "6000.00",
        (ids.LI_SI, "VAT"): "19047.62",  # 400 000 ÷ 1.05 × 5 %
        (ids.LI_SI, "INDIVIDUAL_INCOME_TAX"): "4000.00",
    }
    await life.pay_records(sellers)
    assert [o["idNumber"] for o in (await register())["owners"]] == [ids.ZHANG_SAN, ids.LI_SI]
    # Deed tax: a first home of the family, 89.50 m² → 1 %, half the price each (共同共有).
    deed = await server_gql.data(
        "mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) { taxRecords {"
        " id amount rate taxpayer { idNumber } familyHomesBefore } userErrors { code } } }",
        {"id": contract["id"]},
        bearer=actors.tax,
    )
    records = deed["assessDeedTax"]["taxRecords"]
    assert sorted((r["taxpayer"]["idNumber"], r["amount"], r["familyHomesBefore"]) for r in records) == sorted(
        [(HUSBAND, "5000.00", 0), (WIFE, "5000.00", 0)]
    )
    await life.pay_records(records)  # the last payment: the transfer completes with it
    # The transfer applied for both loans; each registers once its fee (登记费) is paid.
    assert [kind for kind, *_ in in_force(await register())] == ["TRANSFER", "MORTGAGE"]
    assert len(await life.pay_fees()) == 2

    # ---- After the transfer: the buyers own the home; A's mortgage stays first, B's and the fund's follow.
    after = await register()
    assert after["status"] == "REGISTERED"
    assert [o["idNumber"] for o in after["owners"]] == [HUSBAND, WIFE]
    assert in_force(after) == [
        ("TRANSFER", None, None),
        ("MORTGAGE", ids.BANK, 1),
        ("MORTGAGE", ids.OTHER_BANK, 2),
        ("MORTGAGE", ids.PROVIDENT_FUND, 3),
    ]
    [ownership] = [e["node"] for e in after["registrations"]["edges"] if e["node"]["kind"] == "TRANSFER"]
    assert sorted(h["idNumber"] for h in ownership["rightHolders"]) == sorted([HUSBAND, WIFE])
    numbers = {}
    for loan, bearer, priority in ((loan_a, bank_a, 1), (loan_b, bank_b, 2), (loan_fund, fund, 3)):
        seen = await life.mortgage(loan["id"], bearer)
        assert (seen["status"], seen["priority"]) == ("REGISTERED", priority), seen
        [right] = [r for r in seen["registrations"] if r["rightStatus"] == "IN_FORCE"]
        assert (right["kind"], right["priority"], right["certificate"]["kind"]) == (
            "MORTGAGE",
            priority,
            "REGISTRATION_PROOF",
        )
        assert (await life.verify(right["certificate"]))["status"] == "CURRENT"
        numbers[loan["id"]] = right["number"]
    # The new loans rest on the buyers' ownership; A's still names its borrowers, the sellers.
    assert [b["idNumber"] for b in (await life.mortgage(loan_a["id"], bank_a))["borrowers"]] == [
        ids.ZHANG_SAN,
        ids.LI_SI,
    ]

    done = await server_gql.data(
        "query($n: ID!) { node(id: $n) { ... on Registration { status rightStatus"
        " certificate { kind number contentHash } } } }",
        {"n": registration["id"]},
        bearer=husband,
    )
    new_certificate = done["node"]["certificate"]
    assert (done["node"]["status"], done["node"]["rightStatus"]) == ("COMPLETED", "IN_FORCE")
    assert new_certificate["kind"] == "OWNERSHIP_CERTIFICATE"
    assert (await life.verify(new_certificate))["status"] == "CURRENT"
    old = await life.verify(sellers_certificate, bearer=actors.zhang)
    assert (old["valid"], old["status"], old["supersededBy"]) == (
        True,
        "SUPERSEDED",
        {"number": new_certificate["number"]},
    )
    assert await all_homes() == (0, 0, 1, 1)

    # ---- No lender reads another's loan terms.
    mine = "{ mortgages { edges { node { id principal } } } }"
    for bearer, own, others in (
        (bank_a, loan_a, (loan_b, loan_fund)),
        (bank_b, loan_b, (loan_a, loan_fund)),
        (fund, loan_fund, (loan_a, loan_b)),
    ):
        listed = (await server_gql.data(mine, bearer=bearer))["mortgages"]["edges"]
        assert [e["node"]["id"] for e in listed] == [own["id"]]
        for other in others:
            assert await life.mortgage(other["id"], bearer) is None
        view = await register(bearer)
        assert [e["node"]["id"] for e in view["mortgages"]["edges"]] == [own["id"]]
        events = await server_gql.data("{ events(first: 500) { edges { node { type payload } } } }", bearer=bearer)
        text = json.dumps([view, events], ensure_ascii=False)
        assert own["principal"] in text
        for other in others:
            assert other["principal"] not in text, (bearer, other["principal"])
        # Each lender still sees every mortgage in force, by its priority, without terms.
        assert sorted(
            e["node"]["priority"] for e in view["registrations"]["edges"] if e["node"]["kind"] == "MORTGAGE"
        ) == [
            1,
            2,
            3,
        ]
        # Only bank A hears of its consent; the new lenders do not learn the old loan through it.
        types = [e["node"]["type"] for e in events["events"]["edges"]]
        assert ("TRANSFER_CONSENTED" in types) == (bearer == bank_a)

    # ---- Bank A records the payoff: its mortgage ends, B's and the fund's move up.
    assert _codes(await life.discharge(loan_a["id"], bank_b)) in (["FORBIDDEN"], ["NOT_FOUND"])
    discharged = await life.discharge(loan_a["id"], bank_a)
    assert discharged["userErrors"] == [], discharged
    assert discharged["registration"]["kind"] == "MORTGAGE_DISCHARGE"
    assert (await life.mortgage(loan_a["id"], bank_a))["priority"] == 0
    assert (await life.mortgage(loan_a["id"], bank_a))["status"] == "DISCHARGED"
    assert in_force(await register()) == [
        ("TRANSFER", None, None),
        ("MORTGAGE", ids.OTHER_BANK, 1),
        ("MORTGAGE", ids.PROVIDENT_FUND, 2),
    ]
    assert (await life.mortgage(loan_b["id"], bank_b))["priority"] == 1
    assert (await life.mortgage(loan_fund["id"], fund))["priority"] == 2
    assert (await life.verify(right_a["certificate"]))["status"] == "CANCELLED"
    assert [o["idNumber"] for o in (await register())["owners"]] == [HUSBAND, WIFE]
    assert await all_homes() == (0, 0, 1, 1)

    # ---- The home's file tells the whole story in order.
    history = await life.history(unit["unitCode"])
    types = [e["type"] for e in history]
    second_life = types[types.index("MORTGAGE_APPROVED") :]
    assert second_life == [
        # bank A's loan to the owners, signed by both, applied for, its fee paid, registered with its proof
        "MORTGAGE_APPROVED",
        *["MORTGAGE_SIGNED"] * 2,
        "REGISTRATION_SUBMITTED",
        "FEE_PAID",
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
        # the resale contract, signed by both sellers and both buyers; A's consent; the filing
        "CONTRACT_DRAFTED",
        *["CONTRACT_SIGNED"] * 4,
        "TRANSFER_CONSENTED",
        "CONTRACT_FILED",
        # the fund's and bank B's loans, each signed by both buyers
        *["MORTGAGE_APPROVED"] * 2,
        *["MORTGAGE_SIGNED"] * 4,
        # the transfer applied, its fee paid at once, signed by four, waiting for the taxes
        "REGISTRATION_SUBMITTED",
        "FEE_PAID",
        *["REGISTRATION_SUBMITTED"] * 5,
        *["TAX_ASSESSED"] * 4,
        *["TAX_PAID"] * 4,
        *["TAX_ASSESSED"] * 2,
        *["TAX_PAID"] * 2,
        # one decision with the last payment: the transfer, B's and the fund's mortgages applied for
        "REGISTRATION_COMPLETED",
        "CERTIFICATE_ISSUED",
        *["REGISTRATION_SUBMITTED"] * 2,
        # each mortgage registered with its fee
        *["FEE_PAID", "REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED"] * 2,
        # bank A's payoff
        "REGISTRATION_COMPLETED",
    ]
    decided = [
        (e["type"], e["payload"]["kind"], e["payload"]["number"])
        for e in history
        if e["type"] in ("REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED")
    ][-7:]
    assert decided == [
        ("REGISTRATION_COMPLETED", "TRANSFER", new_certificate["number"]),
        ("CERTIFICATE_ISSUED", "OWNERSHIP_CERTIFICATE", new_certificate["number"]),
        ("REGISTRATION_COMPLETED", "MORTGAGE", numbers[loan_b["id"]]),
        ("CERTIFICATE_ISSUED", "REGISTRATION_PROOF", numbers[loan_b["id"]]),
        ("REGISTRATION_COMPLETED", "MORTGAGE", numbers[loan_fund["id"]]),
        ("CERTIFICATE_ISSUED", "REGISTRATION_PROOF", numbers[loan_fund["id"]]),
        ("REGISTRATION_COMPLETED", "MORTGAGE_DISCHARGE", discharged["registration"]["number"]),
    ]
    assert history[-1]["payload"]["discharged"] != []
