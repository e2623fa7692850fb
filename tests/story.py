"""A sale walked through the public API, one actor and token per step (only contract names)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from tests import ids
from tests.support import GraphQLClient, token

_units = itertools.count(1)
_vouchers = itertools.count(1)

CONTRACT_FIELDS = (
    "id number status documentHash price downPayment signatures { signer { name } method "
    "} buyers { party { name idNumber } share }"
)
REGISTRATION_FIELDS = (
    "id number kind status rightStatus decidedBy checks { rule passed message } "
    "certificate { number kind contentHash signature }"
)


def unit_code(n: int | None = None, county: str = "411528") -> str:
    return f"{county}001001GB00001F{(n if n is not None else next(_units)):08d}"


def property_input(code: str | None = None, area: str = "89.50", usage: str = "RESIDENTIAL") -> dict:
    code = code or unit_code()
    return {
        "unitCode": code,
        "address": f"息县城关镇新园路{code[-3:]}号",
        "building": "3",
        "floor": 5,
        "room": "501",
        "buildingArea": area,
        "usage": usage,
    }


@dataclass
class Actors:
    registrar: str = field(default_factory=lambda: token("REGISTRAR"))
    housing: str = field(default_factory=lambda: token("HOUSING"))
    tax: str = field(default_factory=lambda: token("TAX"))
    developer: str = field(default_factory=lambda: token("DEVELOPER", ids.DEVELOPER, ["ca"]))
    other_developer: str = field(default_factory=lambda: token("DEVELOPER", ids.OTHER_DEVELOPER, ["ca"]))
    bank: str = field(default_factory=lambda: token("BANK", ids.BANK, ["ca"]))
    other_bank: str = field(default_factory=lambda: token("BANK", ids.OTHER_BANK, ["ca"]))
    zhang: str = field(default_factory=lambda: token("BUYER", ids.ZHANG_SAN, ["face"]))
    li: str = field(default_factory=lambda: token("BUYER", ids.LI_SI, ["face"]))
    wang: str = field(default_factory=lambda: token("BUYER", ids.WANG_WU, ["face"]))


BUYERS = {ids.ZHANG_SAN: "张三", ids.LI_SI: "李四", ids.WANG_WU: "王五"}


class Sale:
    """Each step posts one mutation and returns its payload (errors are the caller's to check)."""

    def __init__(self, client: GraphQLClient, actors: Actors | None = None) -> None:
        self.client = client
        self.actors = actors or Actors()

    async def call(self, mutation: str, field_name: str, input: dict, bearer: str) -> dict:
        data = await self.client.data(mutation, {"input": input}, bearer=bearer)
        return data[field_name]

    async def register_organizations(self) -> None:
        for code, name in [
            (ids.DEVELOPER, "息县新园置业有限公司"),
            (ids.OTHER_DEVELOPER, "淮河房地产开发有限公司"),
            (ids.BANK, "息县农村商业银行"),
            (ids.OTHER_BANK, "淮河银行"),
        ]:
            payload = await self.call(
                (
                    "mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { "
                    "party { id } userErrors { code message } } }"
                ),
                "registerOrganization",
                {"name": name, "idNumber": code},
                self.actors.registrar,
            )
            assert payload["userErrors"] == [], payload

    async def issue_permit(
        self,
        number: str = "息预售字(2026)第001号",
        units: int = 2,
        developer: str = ids.DEVELOPER,
        sale_type: str = "PRESALE",
        properties: list[dict] | None = None,
        bearer: str | None = None,
    ) -> dict:
        return await self.call(
            """mutation($input: IssuePresalePermitInput!) { issuePresalePermit(input: $input) {
                 permit { id number status saleType developer { name } supervisingBank { name }
                          properties { edges { node { id unitCode status buildingArea } } } }
                 userErrors { code field message } } }""",
            "issuePresalePermit",
            {
                "number": number,
                "developerIdNumber": developer,
                "projectName": "新园小区",
                "saleType": sale_type,
                "supervisedAccount": "6228480000000001",
                "supervisingBankIdNumber": ids.BANK,
                "properties": properties if properties is not None else [property_input() for _ in range(units)],
            },
            bearer or self.actors.housing,
        )

    async def draft(
        self,
        property_id: str,
        buyers: list[dict] | None = None,
        price: str = "1000000.00",
        down_payment: str = "300000.00",
        lender: str | None = ids.BANK,
        payment_method: str = "COMMERCIAL_LOAN",
        bearer: str | None = None,
    ) -> dict:
        return await self.call(
            f"""mutation($input: DraftContractInput!) {{ draftContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} }} userErrors {{ code field message }} }} }}""",
            "draftContract",
            {
                "propertyId": property_id,
                "buyers": buyers if buyers is not None else [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
                "price": price,
                "downPayment": down_payment,
                "paymentMethod": payment_method,
                "deliveryWithCertificate": True,
                "lenderIdNumber": lender,
            },
            bearer or self.actors.developer,
        )

    async def sign(self, contract_id: str, document_hash: str, bearer: str) -> dict:
        return await self.call(
            f"""mutation($input: SignContractInput!) {{ signContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} }} userErrors {{ code field message }} }} }}""",
            "signContract",
            {"contractId": contract_id, "documentHash": document_hash},
            bearer,
        )

    async def deposit(
        self, contract_id: str, kind: str, amount: str, reference: str, bearer: str | None = None
    ) -> dict:
        return await self.call(
            """mutation($input: RecordFundDepositInput!) { recordFundDeposit(input: $input) {
                 deposit { id kind amount bankReference } contract { id deposits { amount }
                 requiredSupervisedAmount requiredMaintenanceFund }
                 userErrors { code field message } } }""",
            "recordFundDeposit",
            {"contractId": contract_id, "kind": kind, "amount": amount, "bankReference": reference},
            bearer or self.actors.bank,
        )

    async def file(self, contract_id: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: FileContractInput!) {{ fileContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} filedAt property {{ status }} }}
                 advanceRegistration {{ {REGISTRATION_FIELDS} applicationForm rightHolders {{ name }}
                 applicants {{ name }} }}
                 userErrors {{ code field message }} }} }}""",
            "fileContract",
            {"contractId": contract_id},
            bearer or self.actors.developer,
        )

    async def cancel(self, contract_id: str, reason: str = "买卖双方协商解除", bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: CancelContractInput!) {{ cancelContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} cancelledAt property {{ status }} }} userErrors {{ code field
                 message }} }} }}""",
            "cancelContract",
            {"contractId": contract_id, "reason": reason},
            bearer or self.actors.housing,
        )

    async def submit(self, registration_id: str, bearer: str, accept: bool = True) -> dict:
        return await self.call(
            f"""mutation($input: SubmitAdvanceRegistrationInput!) {{ submitAdvanceRegistration(input: $input) {{
                 registration {{ {REGISTRATION_FIELDS} property {{ status }} }} userErrors {{ code field
                 message }} }} }}""",
            "submitAdvanceRegistration",
            {"registrationId": registration_id, "acceptDeliveryWithCertificate": accept},
            bearer,
        )

    # ------------------------------------------------------------ composite steps

    async def permit_with_units(self, units: int = 2, number: str | None = None) -> tuple[dict, list[dict]]:
        payload = await self.issue_permit(number=number or f"息预售字(2026)第{next(_units):04d}号", units=units)
        assert payload["userErrors"] == [], payload
        permit = payload["permit"]
        return permit, [e["node"] for e in permit["properties"]["edges"]]

    async def signed_contract(self, property_id: str, buyer_tokens: dict[str, str] | None = None, **draft) -> dict:
        """Drafted and signed by every buyer (face) and the developer (CA)."""
        buyer_tokens = buyer_tokens or {ids.ZHANG_SAN: self.actors.zhang}
        buyers = draft.pop("buyers", None) or [{"idNumber": n, "name": BUYERS[n]} for n in buyer_tokens]
        drafted = await self.draft(property_id, buyers=buyers, **draft)
        assert drafted["userErrors"] == [], drafted
        contract = drafted["contract"]
        for bearer in [*buyer_tokens.values(), self.actors.developer]:
            signed = await self.sign(contract["id"], contract["documentHash"], bearer)
            assert signed["userErrors"] == [], signed
            contract = signed["contract"]
        return contract

    async def funded_contract(self, property_id: str, reference: str | None = None, **kwargs) -> dict:
        contract = await self.signed_contract(property_id, **kwargs)
        reference = reference or f"REF{next(_units):08d}"
        paid = await self.deposit(contract["id"], "PRESALE_SUPERVISED", "300000.00", f"{reference}-S")
        assert paid["userErrors"] == [], paid
        required = paid["contract"]["requiredMaintenanceFund"]
        if required != "0.00":  # only homes pay into the maintenance fund
            fund = await self.deposit(contract["id"], "MAINTENANCE", required, f"{reference}-M")
            assert fund["userErrors"] == [], fund
        return contract

    async def filed_contract(self, property_id: str, **kwargs) -> tuple[dict, dict]:
        contract = await self.funded_contract(property_id, **kwargs)
        filed = await self.file(contract["id"])
        assert filed["userErrors"] == [], filed
        return filed["contract"], filed["advanceRegistration"]

    async def setup(self) -> Sale:
        await self.register_organizations()
        return self


MORTGAGE_FIELDS = (
    "id status principal termMonths lender { name } borrowers { name } signatures { "
    "method } registrations { kind rightStatus number }"
)
OWNERSHIP_FIELDS = (
    "id kind status rightStatus number convertedFrom { kind rightStatus } convertedTo { "
    "kind } rightHolders { name } certificate { number kind contentHash }"
)


class Life(Sale):
    """The rest of a home's life: loan, tax, completion, first registration, seizures."""

    async def approve(
        self, contract_id: str, principal: str = "700000.00", term: int = 240, bearer: str | None = None
    ) -> dict:
        return await self.call(
            (
                f"mutation($input: ApproveMortgageInput!) {{ approveMortgage(input: $input) {{ "
                f"mortgage {{ {MORTGAGE_FIELDS} }} userErrors {{ code field message }} }} }}"
            ),
            "approveMortgage",
            {"contractId": contract_id, "principal": principal, "termMonths": term},
            bearer or self.actors.bank,
        )

    async def sign_mortgage(self, mortgage_id: str, bearer: str) -> dict:
        return await self.call(
            (
                f"mutation($input: SignMortgageInput!) {{ signMortgage(input: $input) {{ mortgage {{ "
                f"{MORTGAGE_FIELDS} }} userErrors {{ code field message }} }} }}"
            ),
            "signMortgage",
            {"mortgageId": mortgage_id},
            bearer,
        )

    async def advance_mortgage(self, mortgage_id: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: ApplyAdvanceMortgageRegistrationInput!) {{
                applyAdvanceMortgageRegistration(input: $input) {{
                 registration {{ {OWNERSHIP_FIELDS} checks {{ rule passed }} mortgage {{ status }} }}
                 userErrors {{ code field message }} }} }}""",
            "applyAdvanceMortgageRegistration",
            {"mortgageId": mortgage_id},
            bearer or self.actors.bank,
        )

    async def discharge(self, mortgage_id: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: DischargeMortgageInput!) {{ dischargeMortgage(input: $input) {{
                 registration {{ {OWNERSHIP_FIELDS} mortgage {{ status }} }} userErrors {{ code field message
                 }} }} }}""",
            "dischargeMortgage",
            {"mortgageId": mortgage_id},
            bearer or self.actors.bank,
        )

    async def accept_completion(
        self, permit_id: str, number: str = "息竣备2027-001", bearer: str | None = None
    ) -> dict:
        return await self.call(
            """mutation($input: RecordCompletionAcceptanceInput!) { recordCompletionAcceptance(input: $input) {
                 permit { completionAcceptanceNumber completionAcceptedAt } userErrors { code field message } } }""",
            "recordCompletionAcceptance",
            {"permitId": permit_id, "acceptanceNumber": number},
            bearer or self.actors.housing,
        )

    async def first_registration(self, permit_id: str, bearer: str | None = None, fees: bool = True) -> dict:
        """Apply; with `fees`, then pay every fee the application charged (pay_fees) and answer
        the application as it stands after that (applying again changes nothing)."""

        async def apply() -> dict:
            return await self.call(
                f"""mutation($input: ApplyFirstRegistrationInput!) {{ applyFirstRegistration(input: $input) {{
                     registrations {{ {OWNERSHIP_FIELDS} property {{ unitCode }} }} transfers {{ {OWNERSHIP_FIELDS}
                     property {{ unitCode status }} }}
                     userErrors {{ code field message }} }} }}""",
                "applyFirstRegistration",
                {"permitId": permit_id},
                bearer or self.actors.developer,
            )

        applied = await apply()
        if not fees or applied["userErrors"] or not await self.pay_fees():
            return applied
        return await apply()

    async def pay_fee(
        self, registration_id: str, amount: str, voucher: str | None = None, bearer: str | None = None
    ) -> dict:
        return await self.call(
            """mutation($input: RecordFeePaymentInput!) { recordFeePayment(input: $input) {
                 registration { id kind status rightStatus fee feeOutstanding feePayments { amount voucherNumber } }
                 feePayment { amount voucherNumber paidAt } userErrors { code field message } } }""",
            "recordFeePayment",
            {"registrationId": registration_id, "amount": amount, "voucherNumber": voucher or f"FEE-{next(_vouchers)}"},
            bearer or self.actors.registrar,
        )

    async def outstanding_fees(self) -> list[tuple[str, str]]:
        """(registration ID, amount) of every undecided registration with a fee left, oldest first,
        as the registrar sees them (over the API: the e2e stories run the server apart)."""
        due, after = [], None
        while True:
            data = await self.client.data(
                """query($after: String) { registrations(first: 100, after: $after) {
                     edges { node { id status feeOutstanding } } pageInfo { hasNextPage endCursor } } }""",
                {"after": after},
                bearer=self.actors.registrar,
            )
            page = data["registrations"]
            due += [
                (e["node"]["id"], e["node"]["feeOutstanding"])
                for e in page["edges"]
                if e["node"]["status"] not in ("COMPLETED", "REJECTED", "WITHDRAWN")
                and Decimal(e["node"]["feeOutstanding"]) > 0
            ]
            if not page["pageInfo"]["hasNextPage"]:
                return due
            after = page["pageInfo"]["endCursor"]

    async def pay_fees(self) -> list[dict]:
        """REGISTRAR records every fee (登记费) still to pay, until none is left: a payment that
        completes one registration may apply for the next (first registration → transfer → mortgage)."""
        paid = []
        while due := await self.outstanding_fees():
            for registration_id, amount in due:
                result = await self.pay_fee(registration_id, amount)
                assert result["userErrors"] == [], result
                paid.append(result)
        return paid

    async def seize(self, property_id: str, until: str = "2099-12-31", bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: RegisterSeizureInput!) {{ registerSeizure(input: $input) {{
                 registration {{ {OWNERSHIP_FIELDS} }} userErrors {{ code field message }} }} }}""",
            "registerSeizure",
            {
                "propertyId": property_id,
                "court": "息县人民法院",
                "documentNumber": "(2026)豫1528执100号",
                "until": until,
            },
            bearer or self.actors.registrar,
        )

    async def release(self, registration_id: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: ReleaseSeizureInput!) {{ releaseSeizure(input: $input) {{
                 registration {{ {OWNERSHIP_FIELDS} }} userErrors {{ code field message }} }} }}""",
            "releaseSeizure",
            {"registrationId": registration_id, "documentNumber": "(2026)豫1528执100号之一"},
            bearer or self.actors.registrar,
        )

    async def assess(self, contract_id: str) -> list[dict]:
        data = await self.client.data(
            (
                "mutation($id: ID!) { assessDeedTax(input: {contractId: $id}) { taxRecords { id "
                "amount } userErrors { code } } }"
            ),
            {"id": contract_id},
            bearer=self.actors.tax,
        )
        return data["assessDeedTax"]["taxRecords"]

    async def pay(self, record: dict, voucher: str) -> dict:
        data = await self.client.data(
            """mutation($id: ID!, $a: Decimal!, $v: String!) { recordTaxPayment(input: {taxRecordId: $id,
                amount: $a, voucherNumber: $v}) {
                 taxRecord { status } userErrors { code field message } } }""",
            {"id": record["id"], "a": record["amount"], "v": voucher},
            bearer=self.actors.tax,
        )
        return data["recordTaxPayment"]

    async def pay_all(self, contract_id: str, fees: bool = True) -> None:
        """Every tax of the contract; with `fees`, then every fee that is left (pay_fees)."""
        for record in await self.assess(contract_id):
            assert (await self.pay(record, f"V-{record['id']}"))["userErrors"] == []
        if fees:
            await self.pay_fees()

    async def pre_registered(
        self, unit_id: str, buyer_tokens: dict[str, str] | None = None, **kwargs
    ) -> tuple[dict, dict]:
        """Filed, and the advance notice in force."""
        buyer_tokens = buyer_tokens or {ids.ZHANG_SAN: self.actors.zhang}
        contract, registration = await self.filed_contract(unit_id, buyer_tokens=buyer_tokens, **kwargs)
        for bearer in buyer_tokens.values():
            submitted = await self.submit(registration["id"], bearer)
            assert submitted["userErrors"] == [], submitted
        return contract, submitted["registration"]

    async def mortgaged(self, contract_id: str, borrower_tokens: list[str]) -> dict:
        """Approved, signed by every borrower, advance mortgage in force."""
        mortgage = (await self.approve(contract_id))["mortgage"]
        for bearer in borrower_tokens:
            assert (await self.sign_mortgage(mortgage["id"], bearer))["userErrors"] == []
        applied = await self.advance_mortgage(mortgage["id"])
        assert applied["userErrors"] == [], applied
        return mortgage
