"""A home's second life (issue 14, DESIGN §7) walked through the public API: a new home sold
and registered, then resold by its owners. Each step posts one mutation and returns its
payload (errors are the caller's to check); composite steps assert their own success."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from tests import ids
from tests.changes import CHANGE_FIELDS, ERRORS, Changes
from tests.story import BUYERS

_acceptances = itertools.count(1)

RESALE_FIELDS = (
    "id number kind status documentHash price text seller { idNumber } sellers { name idNumber } "
    "buyers { party { name idNumber } share } escrowBank { idNumber } escrowAmount "
    "signatures { signer { name } method } property { status }"
)
TAX_FIELDS = "id kind amount taxableAmount rate status taxpayer { idNumber } familyHomesBefore"
TRANSFER_FIELDS = (
    f"{CHANGE_FIELDS} fee feeOutstanding documentHash text rightHolders {{ name idNumber }} "
    "convertedFrom { id kind rightStatus certificate { number status } }"
)


class Resale(Changes):
    async def registered_home(
        self, buyer_tokens: dict[str, str] | None = None, buyers: list[dict] | None = None
    ) -> tuple[dict, dict, dict]:
        """A new home sold for full payment, its deed tax paid, the building first-registered and
        the home transferred to its buyers: the unit, its contract and the buyers' TRANSFER."""
        permit, units = await self.permit_with_units(units=1)
        unit = units[0]
        contract, _ = await self.pre_registered(
            unit["id"], buyer_tokens=buyer_tokens, buyers=buyers, payment_method="FULL_PAYMENT", lender=None
        )
        await self.pay_all(contract["id"])
        accepted = await self.accept_completion(permit["id"], number=f"息竣备2027-{next(_acceptances):03d}")
        assert accepted["userErrors"] == [], accepted
        first = await self.first_registration(permit["id"])
        assert first["userErrors"] == [], first
        [transfer] = first["transfers"]
        assert (transfer["status"], transfer["rightStatus"]) == ("COMPLETED", "IN_FORCE"), transfer
        return unit, contract, transfer

    async def draft_resale(
        self,
        property_id: str,
        bearer: str,
        buyers: list[dict] | None = None,
        price: str = "1000000.00",
        down_payment: str = "1000000.00",
        escrow: tuple[str, str] | None = None,
        payment_method: str = "FULL_PAYMENT",
        lender: str | None = None,
        lenders: list[str] | None = None,
    ) -> dict:
        input = {
            "propertyId": property_id,
            "buyers": buyers if buyers is not None else [{"idNumber": ids.WANG_WU, "name": "王五"}],
            "price": price,
            "downPayment": down_payment,
            "paymentMethod": payment_method,
            "deliveryWithCertificate": True,
            "lenderIdNumber": lender,
        }
        if escrow is not None:
            input["escrowBankIdNumber"], input["escrowAmount"] = escrow
        if lenders is not None:  # a combined loan (组合贷): the bank and the provident fund centre
            input["lenders"] = lenders
        return await self.call(
            f"""mutation($input: DraftContractInput!) {{ draftContract(input: $input) {{
                 contract {{ {RESALE_FIELDS} }} {ERRORS} }} }}""",
            "draftContract",
            input,
            bearer,
        )

    async def sign_resale(self, contract: dict, bearer: str) -> dict:
        return await self.call(
            f"""mutation($input: SignContractInput!) {{ signContract(input: $input) {{
                 contract {{ {RESALE_FIELDS} }} {ERRORS} }} }}""",
            "signContract",
            {"contractId": contract["id"], "documentHash": contract["documentHash"]},
            bearer,
        )

    async def file_resale(self, contract_id: str, bearer: str) -> dict:
        return await self.call(
            f"""mutation($input: FileContractInput!) {{ fileContract(input: $input) {{
                 contract {{ {RESALE_FIELDS} filedAt }} advanceRegistration {{ id }} {ERRORS} }} }}""",
            "fileContract",
            {"contractId": contract_id},
            bearer,
        )

    async def seller_taxes(self, contract_id: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: AssessSellerTaxesInput!) {{ assessSellerTaxes(input: $input) {{
                 taxRecords {{ {TAX_FIELDS} }} {ERRORS} }} }}""",
            "assessSellerTaxes",
            {"contractId": contract_id},
            bearer or self.actors.tax,
        )

    async def apply_transfer(self, contract_id: str, bearer: str, pay_fee: bool = True) -> dict:
        """A seller or buyer applies; with `pay_fee`, the registrar records the transfer's fee (登记费)
        at once, so only the signatures and the taxes are left to decide it (the answer is the
        application as applied for)."""
        applied = await self.call(
            f"""mutation($input: ApplyTransferRegistrationInput!) {{ applyTransferRegistration(input: $input) {{
                 registration {{ {TRANSFER_FIELDS} }} {ERRORS} }} }}""",
            "applyTransferRegistration",
            {"contractId": contract_id},
            bearer,
        )
        registration = applied["registration"]
        if pay_fee and not applied["userErrors"] and registration["fee"] not in ("0", "0.00"):
            paid = await self.pay_fee(registration["id"], registration["fee"])
            assert paid["userErrors"] == [], paid
        return applied

    async def sign_transfer(self, registration: dict, bearer: str, document_hash: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: SignRegistrationInput!) {{ signRegistration(input: $input) {{
                 registration {{ {TRANSFER_FIELDS} }} {ERRORS} }} }}""",
            "signRegistration",
            {"registrationId": registration["id"], "documentHash": document_hash or registration["documentHash"]},
            bearer,
        )

    # ------------------------------------------------------------ composite steps

    async def signed_resale(
        self,
        property_id: str,
        sellers: list[str],
        buyers: dict[str, str],
        names: dict[str, str] | None = None,
        **draft,
    ) -> dict:
        """Drafted by the first seller, signed by every seller and buyer (face); `names` gives the
        buyers' names where tests.story.BUYERS does not."""
        names = {**BUYERS, **(names or {})}
        drafted = await self.draft_resale(
            property_id, sellers[0], buyers=[{"idNumber": n, "name": names[n]} for n in buyers], **draft
        )
        assert drafted["userErrors"] == [], drafted
        contract = drafted["contract"]
        for bearer in [*sellers, *buyers.values()]:
            signed = await self.sign_resale(contract, bearer)
            assert signed["userErrors"] == [], signed
            contract = signed["contract"]
        return contract

    async def filed_resale(self, property_id: str, sellers: list[str], buyers: dict[str, str], **draft) -> dict:
        contract = await self.signed_resale(property_id, sellers, buyers, **draft)
        filed = await self.file_resale(contract["id"], sellers[0])
        assert filed["userErrors"] == [], filed
        return filed["contract"]

    async def pay_records(self, records: list[dict]) -> None:
        for record in records:
            if record["amount"] != "0.00":
                paid = await self.pay(record, f"V-{record['id']}")
                assert paid["userErrors"] == [], paid


async def held_since(transfer_id: str, years: float) -> None:
    """Test setup, not the application: the ownership registered `years` ago (nobody waits years)."""
    from domain.models import Registration
    from resolvers.ids import from_global_id

    found = from_global_id(transfer_id)
    assert found is not None
    moment = datetime.now().astimezone() - timedelta(days=round(365.25 * years))
    await Registration.filter(id=found[1]).update(completed_at=moment)
