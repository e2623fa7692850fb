from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from domain import models as m
from domain.documents.records import form_as_seen
from domain.documents.texts import application_text, text_hash
from domain.enums import RegistrationPartyRole
from domain.rules.fees import NO_FEE, fee_outstanding
from domain.services.certificates import certificate_standing
from resolvers.context import Info
from resolvers.enums import (
    CertificateKind,
    CertificateStatus,
    Decider,
    RegistrationKind,
    RegistrationStatus,
    RightStatus,
)
from resolvers.ids import to_global_id
from resolvers.types.contracts import Contract
from resolvers.types.node import Node
from resolvers.types.parties import Party, load_parties
from resolvers.types.permits import Property
from resolvers.types.registry import from_row_of, object_of

if TYPE_CHECKING:
    from resolvers.types.mortgages import Mortgage

MORTGAGE_RIGHTS = (RegistrationKind.MORTGAGE, RegistrationKind.ADVANCE_MORTGAGE)
ContractRef = Annotated["Contract", strawberry.lazy("resolvers.types.contracts")]
MortgageRef = Annotated["Mortgage", strawberry.lazy("resolvers.types.mortgages")]


@strawberry.type
class RuleCheck:
    rule: str
    passed: bool
    message: str


@strawberry.type(description="One payment of a registration's fee (登记费), with its voucher")
class FeePayment:
    amount: decimal.Decimal
    voucher_number: str
    paid_at: datetime.datetime


@strawberry.type(description="A person's decision on an application (DESIGN §7)")
class RegistrationDecision:
    reason: str
    decider_subject: str = strawberry.field(description="The deciding registrar's subject (token `sub`)")
    decided_at: datetime.datetime


@strawberry.type(description="An applicant's answer to the registrar's inquiry (询问)")
class InquiryAnswer:
    party_id: strawberry.Private[int]
    answer: bool = strawberry.field(
        description="acceptDeliveryWithCertificate: delivery of the home together with its certificate"
    )
    answered_at: datetime.datetime

    @strawberry.field
    async def party(self, info: Info) -> Party:
        [party] = await load_parties(info, [self.party_id])
        return party


@from_row_of(m.Registration)
@strawberry.type
class Registration(Node):
    db_id: strawberry.Private[int]
    property_id: strawberry.Private[int]
    contract_id: strawberry.Private[int | None]
    mortgage_id: strawberry.Private[int | None]
    converted_from_id: strawberry.Private[int | None]
    cancels_id: strawberry.Private[int | None]
    decision_row: strawberry.Private[tuple | None]
    number: str | None = strawberry.field(
        description="登记证明号 or 证书号 once completed, e.g. 豫(2026)息县不动产证明第0000001号"
    )
    kind: RegistrationKind
    status: RegistrationStatus
    right_status: RightStatus
    form: strawberry.Private[dict]
    submitted_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    decided_by: Decider | None
    lawsuit_case_number: str | None = strawberry.field(
        description="An objection kept in force by a lawsuit: the court's case number (民法典 220)"
    )
    fee: decimal.Decimal = strawberry.field(
        description="登记费 in CNY from the county's schedule (DESIGN §7); 0 for the free kinds. A "
        "registration with a fee completes once it is paid (recordFeePayment)"
    )

    @strawberry.field(description="The payments of the fee recorded so far, oldest first")
    async def fee_payments(self, info: Info) -> list[FeePayment]:
        rows = await info.context.loaders.fee_payments.load(self.db_id) if self.fee else []
        return [FeePayment(amount=r.amount, voucher_number=r.voucher_number, paid_at=r.paid_at) for r in rows]

    @strawberry.field(description="What is still to pay of the fee (0 once paid, or for a free registration)")
    async def fee_outstanding(self, info: Info) -> decimal.Decimal:
        if not self.fee:
            return NO_FEE
        rows = await info.context.loaders.fee_payments.load(self.db_id)
        return fee_outstanding(self.fee, [r.amount for r in rows])

    @strawberry.field(
        description="The application's canonical text, what each applicant signs: its SHA-256 is documentHash"
    )
    async def text(self, info: Info) -> str:
        # From the form as this viewer may see it: another lender's terms stay hidden here too.
        return application_text(await self.application_form(info))

    @strawberry.field(description="SHA-256 hex of the application text the applicants sign")
    async def document_hash(self, info: Info) -> str:
        return text_hash(await self.text(info))

    @classmethod
    def from_row(cls, row: m.Registration) -> Registration:
        return cls(
            id=to_global_id("Registration", row.id),
            db_id=row.id,
            property_id=row.property_id,
            contract_id=row.contract_id,
            mortgage_id=row.mortgage_id,
            converted_from_id=row.converted_from_id,
            number=row.number,
            kind=row.kind,
            status=row.status,
            right_status=row.right_status,
            form=row.application_form,
            submitted_at=row.submitted_at,
            completed_at=row.completed_at,
            decided_by=row.decided_by,
            cancels_id=row.cancels_id,
            decision_row=(row.decision_reason, row.decider_subject, row.decided_at)
            if row.decided_at and row.decision_reason
            else None,
            lawsuit_case_number=row.lawsuit_case_number,
            fee=row.fee,
        )

    @strawberry.field(
        description="The electronic application form, filled in automatically from linked records; ID numbers "
        "the viewer may not read in full are masked (DESIGN §1), and then text and documentHash are "
        "those of the masked form"
    )
    async def application_form(self, info: Info) -> JSON:
        if self.mortgage_id and await info.context.loaders.mortgage.load(self.mortgage_id) is None:
            # Another lender's mortgage: a right in force, never its terms (DESIGN §7).
            return {"registrationType": self.form.get("registrationType")}
        return await form_as_seen(info.context.viewer, self.form)

    @strawberry.field(
        description="For a mortgage right (MORTGAGE, ADVANCE_MORTGAGE) in force: its priority among the mortgages "
        "in force on the property (1 = first), as Mortgage.priority; null for other kinds and rights not in force. "
        "Another lender's mortgage is seen only this way: a right in force and its rank (DESIGN §7)."
    )
    async def priority(self, info: Info) -> int | None:
        if self.kind not in MORTGAGE_RIGHTS or self.right_status != RightStatus.IN_FORCE:
            return None
        ranks = await info.context.loaders.mortgage_ranks.load(self.property_id)
        return ranks.by_registration.get(self.db_id)

    @strawberry.field(description="A person's decision: its reason, decider and time; null for the instant decision")
    def decision(self) -> RegistrationDecision | None:
        if self.decision_row is None:
            return None
        reason, subject, at = self.decision_row
        return RegistrationDecision(reason=reason, decider_subject=subject, decided_at=at)

    @strawberry.field(description="The right a CANCELLATION is aimed at")
    async def cancels(self, info: Info) -> Registration | None:
        row = await info.context.loaders.registration.load(self.cancels_id) if self.cancels_id else None
        return Registration.from_row(row) if row else None

    @strawberry.field(description="The applicants' answers to the inquiry, as given (changeable until the decision)")
    async def inquiry(self, info: Info) -> list[InquiryAnswer]:
        rows = await info.context.loaders.registration_parties.load(self.db_id)
        return [
            InquiryAnswer(
                party_id=r.party_id,
                answer=bool(r.inquiry_answer["acceptDeliveryWithCertificate"]),
                answered_at=datetime.datetime.fromisoformat(r.inquiry_answer["answeredAt"]),
            )
            for r in rows
            if r.role == RegistrationPartyRole.APPLICANT and r.inquiry_answer
        ]

    @strawberry.field
    async def property(self, info: Info) -> Property:
        return Property.from_row(await info.context.loaders.property.load(self.property_id))

    @strawberry.field
    async def contract(self, info: Info) -> Contract | None:
        row = await info.context.loaders.contract.load(self.contract_id) if self.contract_id else None
        return Contract.from_row(row) if row else None

    @strawberry.field
    async def mortgage(self, info: Info) -> MortgageRef | None:
        row = await info.context.loaders.mortgage.load(self.mortgage_id) if self.mortgage_id else None
        return object_of(row) if row else None

    async def _parties(self, info: Info, role: RegistrationPartyRole) -> list[Party]:
        rows = await info.context.loaders.registration_parties.load(self.db_id)
        return await load_parties(info, [r.party_id for r in rows if r.role == role])

    @strawberry.field
    async def right_holders(self, info: Info) -> list[Party]:
        return await self._parties(info, RegistrationPartyRole.RIGHT_HOLDER)

    @strawberry.field
    async def applicants(self, info: Info) -> list[Party]:
        return await self._parties(info, RegistrationPartyRole.APPLICANT)

    @strawberry.field(description="Every automated rule evaluated for the decision")
    async def checks(self, info: Info) -> list[RuleCheck]:
        rows = await info.context.loaders.registration_checks.load(self.db_id)
        return [RuleCheck(rule=r.rule, passed=r.passed, message=r.message) for r in rows]

    @strawberry.field
    async def converted_from(self, info: Info) -> Registration | None:
        row = await info.context.loaders.registration.load(self.converted_from_id) if self.converted_from_id else None
        return Registration.from_row(row) if row else None

    @strawberry.field
    async def converted_to(self, info: Info) -> Registration | None:
        rows = await info.context.loaders.registration_converted_to.load(self.db_id)
        return Registration.from_row(rows[0]) if rows else None

    @strawberry.field
    async def certificate(self, info: Info) -> Certificate | None:
        rows = await info.context.loaders.registration_certificate.load(self.db_id)
        return Certificate.from_row(rows[0]) if rows else None


@strawberry.type
class Certificate(Node):
    registration_id: strawberry.Private[int]
    number: str
    kind: CertificateKind
    issued_at: datetime.datetime
    content: JSON = strawberry.field(description="The canonical content that was signed")
    content_hash: str = strawberry.field(description="SHA-256 hex of the canonical content")
    signature: str = strawberry.field(description="Base64 signature of contentHash by the registration authority's key")
    signing_key_id: str

    @classmethod
    def from_row(cls, row: m.Certificate) -> Certificate:
        return cls(
            id=to_global_id("Certificate", row.id),
            registration_id=row.registration_id,
            number=row.number,
            kind=row.kind,
            issued_at=row.issued_at,
            content=row.content,
            content_hash=row.content_hash,
            signature=row.signature,
            signing_key_id=row.signing_key_id,
        )

    @strawberry.field
    async def registration(self, info: Info) -> Registration:
        # Certificates are returned only with a registration the viewer may see (verifyCertificate
        # checks before), so this row is there.
        return Registration.from_row(await info.context.loaders.registration.load(self.registration_id))

    @strawberry.field(description="CURRENT while its right is in force; SUPERSEDED or CANCELLED once it is not")
    async def status(self) -> CertificateStatus:
        status, _ = await certificate_standing(self.registration_id)
        return status

    @strawberry.field
    async def holders(self, info: Info) -> list[Party]:
        rows = await info.context.loaders.registration_parties.load(self.registration_id)
        return await load_parties(info, [r.party_id for r in rows if r.role == RegistrationPartyRole.RIGHT_HOLDER])


@strawberry.type
class CertificateVerification:
    valid: bool = strawberry.field(
        description="Issued by this authority and unaltered (says nothing of the register today)"
    )
    certificate: Certificate | None
    reason: str | None
    status: CertificateStatus = strawberry.field(
        description="Whether the certificate still describes the register; CANCELLED when no certificate matches"
    )
    superseded_by: Certificate | None = strawberry.field(
        default=None,
        description="The certificate of the registration that replaced this one's right, if the viewer may see it",
    )
