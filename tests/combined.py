"""A sale with a combined loan (组合贷, issue 14 item 5): a bank and the provident fund centre lend together."""

from __future__ import annotations

from tests import ids
from tests.changes import ERRORS
from tests.resale import Resale
from tests.story import CONTRACT_FIELDS, Actors, Life
from tests.support import GraphQLClient, token

PROVIDENT_FUND_NAME = "信阳市住房公积金管理中心"
LENDERS = [ids.BANK, ids.PROVIDENT_FUND]
HOME_MORTGAGE_FIELDS = (
    "id status principal termMonths priority lender { idNumber } borrowers { idNumber } "
    "registrations { kind rightStatus number priority certificate { kind number contentHash } }"
)

HOME_MORTGAGE_REGISTRATION = (
    "id kind status rightStatus number priority fee feeOutstanding "
    "certificate { kind number contentHash } mortgage { id status priority }"
)


async def register_provident_fund(life: Life) -> None:
    """The provident fund centre, the second lender of a combined loan, registered by the registrar."""
    payload = await life.call(
        "mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { userErrors { code } } }",
        "registerOrganization",
        {"name": PROVIDENT_FUND_NAME, "idNumber": ids.PROVIDENT_FUND},
        life.actors.registrar,
    )
    assert payload["userErrors"] == [], payload


class CombinedLife(Life):
    """`Life` whose drafts may name `lenders`, with the provident fund centre registered and its token."""

    def __init__(self, client: GraphQLClient, actors: Actors | None = None) -> None:
        super().__init__(client, actors)
        self.fund = token("PROVIDENT_FUND", ids.PROVIDENT_FUND, ["ca"])

    async def register_organizations(self) -> None:
        await super().register_organizations()
        await register_provident_fund(self)

    async def draft(  # type: ignore[override]
        self,
        property_id: str,
        buyers: list[dict] | None = None,
        price: str = "1000000.00",
        down_payment: str = "300000.00",
        lender: str | None = None,
        payment_method: str = "COMBINED_LOAN",
        bearer: str | None = None,
        lenders: list[str] | None = LENDERS,
    ) -> dict:
        input = {
            "propertyId": property_id,
            "buyers": buyers if buyers is not None else [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
            "price": price,
            "downPayment": down_payment,
            "paymentMethod": payment_method,
            "deliveryWithCertificate": True,
            "lenderIdNumber": lender,
        }
        if lenders is not None:
            input["lenders"] = lenders
        return await self.call(
            f"""mutation($input: DraftContractInput!) {{ draftContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} text lender {{ idNumber }} lenders {{ idNumber name }} }}
                 userErrors {{ code field message }} }} }}""",
            "draftContract",
            input,
            bearer or self.actors.developer,
        )

    async def combined_mortgages(
        self, contract_id: str, borrower_tokens: list[str], principals: tuple[str, str] = ("400000.00", "300000.00")
    ) -> tuple[dict, dict]:
        """The bank's and the fund's loans approved, each signed by every borrower (one token signs
        both), and both advance mortgages registered, the bank's first."""
        bank = await self.approve(contract_id, principal=principals[0], bearer=self.actors.bank)
        fund = await self.approve(contract_id, principal=principals[1], bearer=self.fund)
        assert bank["userErrors"] == [] and fund["userErrors"] == [], (bank, fund)
        for mortgage in (bank["mortgage"], fund["mortgage"]):
            for bearer in borrower_tokens:
                signed = await self.sign_mortgage(mortgage["id"], bearer)
                assert signed["userErrors"] == [], signed
        for mortgage, bearer in ((bank["mortgage"], self.actors.bank), (fund["mortgage"], self.fund)):
            applied = await self.advance_mortgage(mortgage["id"], bearer=bearer)
            assert applied["userErrors"] == [], applied
        return bank["mortgage"], fund["mortgage"]


class CombinedResale(Resale):
    """`Resale` with the provident fund centre registered, its token, and the lender's steps of a
    mortgaged home's resale: a loan to the owners of a registered home, its registration, and the
    consent to a transfer with the mortgage (带押过户)."""

    def __init__(self, client: GraphQLClient, actors: Actors | None = None) -> None:
        super().__init__(client, actors)
        self.fund = token("PROVIDENT_FUND", ids.PROVIDENT_FUND, ["ca"])

    async def register_organizations(self) -> None:
        await super().register_organizations()
        await register_provident_fund(self)

    async def approve_home_loan(
        self, property_id: str, borrowers: list[str], principal: str, bearer: str, term: int = 120
    ) -> dict:
        return await self.call(
            f"""mutation($input: ApproveMortgageInput!) {{ approveMortgage(input: $input) {{
                 mortgage {{ {HOME_MORTGAGE_FIELDS} }} {ERRORS} }} }}""",
            "approveMortgage",
            {"propertyId": property_id, "borrowers": borrowers, "principal": principal, "termMonths": term},
            bearer,
        )

    async def approve_resale_loan(self, contract_id: str, principal: str, bearer: str, term: int = 240) -> dict:
        return await self.call(
            f"""mutation($input: ApproveMortgageInput!) {{ approveMortgage(input: $input) {{
                 mortgage {{ {HOME_MORTGAGE_FIELDS} }} {ERRORS} }} }}""",
            "approveMortgage",
            {"contractId": contract_id, "principal": principal, "termMonths": term},
            bearer,
        )

    async def register_home_mortgage(self, mortgage_id: str, bearer: str, pay_fee: bool = True) -> dict:
        """The lender applies; with `pay_fee`, the registrar then records the fee (登记费) and the
        payload's registration is read again: registered, as it stands after the payment."""
        applied = await self.call(
            f"""mutation($input: ApplyMortgageRegistrationInput!) {{ applyMortgageRegistration(input: $input) {{
                 registration {{ {HOME_MORTGAGE_REGISTRATION} }} {ERRORS} }} }}""",
            "applyMortgageRegistration",
            {"mortgageId": mortgage_id},
            bearer,
        )
        registration = applied["registration"]
        if not pay_fee or applied["userErrors"] or registration["feeOutstanding"] in ("0", "0.00"):
            return applied
        paid = await self.pay_fee(registration["id"], registration["feeOutstanding"])
        assert paid["userErrors"] == [], paid
        node = await self.client.data(
            f"query($id: ID!) {{ node(id: $id) {{ ... on Registration {{ {HOME_MORTGAGE_REGISTRATION} }} }} }}",
            {"id": registration["id"]},
            bearer=bearer,
        )
        return {**applied, "registration": node["node"]}

    async def consent(self, mortgage_id: str, contract_id: str, bearer: str) -> dict:
        return await self.call(
            f"""mutation($input: ConsentToTransferInput!) {{ consentToTransfer(input: $input) {{
                 mortgage {{ id status priority }} {ERRORS} }} }}""",
            "consentToTransfer",
            {"mortgageId": mortgage_id, "contractId": contract_id},
            bearer,
        )

    async def mortgage(self, mortgage_id: str, bearer: str) -> dict | None:
        """The mortgage as `bearer` may read it (None: not theirs to see)."""
        data = await self.client.data(
            f"query($id: ID!) {{ node(id: $id) {{ ... on Mortgage {{ {HOME_MORTGAGE_FIELDS} }} }} }}",
            {"id": mortgage_id},
            bearer=bearer,
        )
        return data["node"]
