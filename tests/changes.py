"""When a sale changes course (DESIGN §7), walked through the public API: each step posts one
mutation and returns its payload (errors are the caller's to check)."""

from __future__ import annotations

from tests.story import Life

CHANGE_FIELDS = (
    "id number kind status rightStatus decidedBy applicationForm decision { reason deciderSubject decidedAt } "
    "checks { rule passed } cancels { id kind rightStatus } applicants { name } lawsuitCaseNumber "
    "certificate { number kind contentHash status } property { status }"
)
ERRORS = "userErrors { code field message }"


class Changes(Life):
    async def _registration(self, mutation: str, input_type: str, input: dict, bearer: str) -> dict:
        return await self.call(
            (
                f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ registration {{ "
                f"{CHANGE_FIELDS} }} {ERRORS} }} }}"
            ),
            mutation,
            input,
            bearer,
        )

    async def apply_cancellation(
        self, registration_id: str, bearer: str, reason: str = "买卖双方协商退房", court_document: str | None = None
    ) -> dict:
        return await self._registration(
            "applyCancellationRegistration",
            "ApplyCancellationRegistrationInput",
            {"registrationId": registration_id, "reason": reason, "courtDocument": court_document},
            bearer,
        )

    async def sign_registration(self, registration: dict, bearer: str, document_hash: str | None = None) -> dict:
        from domain.canonical import canonical_hash

        return await self._registration(
            "signRegistration",
            "SignRegistrationInput",
            {
                "registrationId": registration["id"],
                "documentHash": document_hash or canonical_hash(registration["applicationForm"]),
            },
            bearer,
        )

    async def decide(
        self, registration_id: str, approve: bool, reason: str = "经人工核实", bearer: str | None = None
    ) -> dict:
        return await self._registration(
            "decideRegistration",
            "DecideRegistrationInput",
            {"registrationId": registration_id, "approve": approve, "reason": reason},
            bearer or self.actors.registrar,
        )

    async def withdraw(self, registration_id: str, bearer: str, reason: str = "申请人撤回") -> dict:
        return await self._registration(
            "withdrawRegistration",
            "WithdrawRegistrationInput",
            {"registrationId": registration_id, "reason": reason},
            bearer,
        )

    async def reapply(self, contract_id: str, bearer: str) -> dict:
        return await self._registration(
            "reapplyAdvanceRegistration", "ReapplyAdvanceRegistrationInput", {"contractId": contract_id}, bearer
        )

    async def object(
        self, property_id: str, applicant: str, claim: str = "该房屋系本人出资购买,登记有误", bearer: str | None = None
    ) -> dict:
        return await self._registration(
            "registerObjection",
            "RegisterObjectionInput",
            {"propertyId": property_id, "applicantIdNumber": applicant, "claim": claim},
            bearer or self.actors.registrar,
        )

    async def lawsuit(
        self, registration_id: str, case_number: str = "(2026)豫1528民初300号", bearer: str | None = None
    ) -> dict:
        return await self._registration(
            "recordObjectionLawsuit",
            "RecordObjectionLawsuitInput",
            {"registrationId": registration_id, "caseNumber": case_number},
            bearer or self.actors.registrar,
        )

    async def refund(self, contract_id: str, amount: str, reference: str, bearer: str | None = None) -> dict:
        return await self.call(
            f"""mutation($input: RecordFundRefundInput!) {{ recordFundRefund(input: $input) {{
                 refund {{ id amount bankReference refundedAt }} contract {{ id status refundDue refunds {{
                 amount }} }} {ERRORS} }} }}""",
            "recordFundRefund",
            {"contractId": contract_id, "amount": amount, "bankReference": reference},
            bearer or self.actors.bank,
        )

    async def cancel_notice_together(self, notice_id: str, buyer_tokens: list[str]) -> dict:
        """The buyers and the seller apply and sign the cancellation of the advance notice."""
        applied = await self.apply_cancellation(notice_id, buyer_tokens[0])
        assert applied["userErrors"] == [], applied
        cancellation = applied["registration"]
        for bearer in [*buyer_tokens, self.actors.developer]:
            signed = await self.sign_registration(cancellation, bearer)
            assert signed["userErrors"] == [], signed
        return signed["registration"]

    async def verify(self, certificate: dict, bearer: str | None = None) -> dict:
        data = await self.client.data(
            """query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) {
                 valid status reason supersededBy { number } certificate { number status } } }""",
            {"n": certificate["number"], "h": certificate["contentHash"]},
            bearer=bearer,
        )
        return data["verifyCertificate"]

    async def history(self, unit_code: str, bearer: str | None = None) -> list[dict]:
        data = await self.client.data(
            '{ property(unitCode: "%s") { history(first: 100) { edges { node { type payload } } } } }' % unit_code,
            bearer=bearer or self.actors.registrar,
        )
        return [e["node"] for e in data["property"]["history"]["edges"]]
