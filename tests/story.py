"""A sale walked through the public API, one actor and token per step (only contract names)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from tests import ids
from tests.support import GraphQLClient, token

_units = itertools.count(1)

CONTRACT_FIELDS = "id number status documentHash price downPayment signatures { signer { name } method } buyers { party { name idNumber } share }"
REGISTRATION_FIELDS = "id number kind status rightStatus decidedBy checks { rule passed message } certificate { number kind contentHash signature }"


def unit_code(n: int | None = None, county: str = "411528") -> str:
    return f"{county}001001GB00001F{(n if n is not None else next(_units)):08d}"


def property_input(code: str | None = None, area: str = "89.50", usage: str = "RESIDENTIAL") -> dict:
    code = code or unit_code()
    return {"unitCode": code, "address": f"息县城关镇新园路{code[-3:]}号", "building": "3", "floor": 5,
            "room": "501", "buildingArea": area, "usage": usage}


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
        for code, name in [(ids.DEVELOPER, "息县新园置业有限公司"), (ids.OTHER_DEVELOPER, "淮河房地产开发有限公司"),
                           (ids.BANK, "息县农村商业银行"), (ids.OTHER_BANK, "淮河银行")]:
            payload = await self.call(
                "mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { party { id } userErrors { code message } } }",
                "registerOrganization", {"name": name, "idNumber": code}, self.actors.registrar,
            )
            assert payload["userErrors"] == [], payload

    async def issue_permit(self, number: str = "息预售字(2026)第001号", units: int = 2, developer: str = ids.DEVELOPER,
                           sale_type: str = "PRESALE", properties: list[dict] | None = None, bearer: str | None = None) -> dict:
        return await self.call(
            """mutation($input: IssuePresalePermitInput!) { issuePresalePermit(input: $input) {
                 permit { id number status saleType developer { name } supervisingBank { name }
                          properties { edges { node { id unitCode status buildingArea } } } }
                 userErrors { code field message } } }""",
            "issuePresalePermit",
            {"number": number, "developerIdNumber": developer, "projectName": "新园小区", "saleType": sale_type,
             "supervisedAccount": "6228480000000001", "supervisingBankIdNumber": ids.BANK,
             "properties": properties if properties is not None else [property_input() for _ in range(units)]},
            bearer or self.actors.housing,
        )

    async def draft(self, property_id: str, buyers: list[dict] | None = None, price: str = "1000000.00",
                    down_payment: str = "300000.00", lender: str | None = ids.BANK, payment_method: str = "COMMERCIAL_LOAN",
                    bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: DraftContractInput!) {{ draftContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} }} userErrors {{ code field message }} }} }}""",
            "draftContract",
            {"propertyId": property_id, "buyers": buyers if buyers is not None else [{"idNumber": ids.ZHANG_SAN, "name": "张三"}],
             "price": price, "downPayment": down_payment, "paymentMethod": payment_method,
             "deliveryWithCertificate": True, "lenderIdNumber": lender},
            bearer or self.actors.developer,
        )

    async def sign(self, contract_id: str, document_hash: str, bearer: str) -> dict:
        return await self.call(
            f"""mutation($input: SignContractInput!) {{ signContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} }} userErrors {{ code field message }} }} }}""",
            "signContract", {"contractId": contract_id, "documentHash": document_hash}, bearer,
        )

    async def deposit(self, contract_id: str, kind: str, amount: str, reference: str, bearer: str | None = None) -> dict:
        return await self.call(
            """mutation($input: RecordFundDepositInput!) { recordFundDeposit(input: $input) {
                 deposit { id kind amount bankReference } contract { id deposits { amount } requiredSupervisedAmount requiredMaintenanceFund }
                 userErrors { code field message } } }""",
            "recordFundDeposit", {"contractId": contract_id, "kind": kind, "amount": amount, "bankReference": reference},
            bearer or self.actors.bank,
        )

    async def file(self, contract_id: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: FileContractInput!) {{ fileContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} filedAt property {{ status }} }}
                 advanceRegistration {{ {REGISTRATION_FIELDS} applicationForm rightHolders {{ name }} applicants {{ name }} }}
                 userErrors {{ code field message }} }} }}""",
            "fileContract", {"contractId": contract_id}, bearer or self.actors.developer,
        )

    async def cancel(self, contract_id: str, reason: str = "买卖双方协商解除", bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: CancelContractInput!) {{ cancelContract(input: $input) {{
                 contract {{ {CONTRACT_FIELDS} cancelledAt property {{ status }} }} userErrors {{ code field message }} }} }}""",
            "cancelContract", {"contractId": contract_id, "reason": reason}, bearer or self.actors.housing,
        )

    async def submit(self, registration_id: str, bearer: str, accept: bool = True) -> dict:
        return await self.call(
            f"""mutation($input: SubmitAdvanceRegistrationInput!) {{ submitAdvanceRegistration(input: $input) {{
                 registration {{ {REGISTRATION_FIELDS} property {{ status }} }} userErrors {{ code field message }} }} }}""",
            "submitAdvanceRegistration", {"registrationId": registration_id, "acceptDeliveryWithCertificate": accept}, bearer,
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

    async def setup(self) -> "Sale":
        await self.register_organizations()
        return self
