"""Mutation inputs of the contract (names fixed by ../shared/contract)."""
from __future__ import annotations

import datetime
import decimal

import strawberry

from resolvers.enums import (
    ContractStatus,
    FundKind,
    MortgageStatus,
    PaymentMethod,
    PropertyStatus,
    PropertyUsage,
    RegistrationKind,
    RegistrationStatus,
    SaleType,
    TaxStatus,
)


@strawberry.input
class RegisterOrganizationInput:
    name: str
    id_number: str = strawberry.field(description="Unified social credit code")


@strawberry.input
class PropertyInput:
    unit_code: str
    address: str
    building: str
    floor: int
    room: str
    building_area: decimal.Decimal
    usage: PropertyUsage


@strawberry.input
class IssuePresalePermitInput:
    number: str
    developer_id_number: str
    project_name: str
    sale_type: SaleType
    supervised_account: str
    supervising_bank_id_number: str
    properties: list[PropertyInput]


@strawberry.input
class ContractBuyerInput:
    id_number: str
    name: str
    share: decimal.Decimal | None = None


@strawberry.input
class DraftContractInput:
    property_id: strawberry.ID
    buyers: list[ContractBuyerInput]
    price: decimal.Decimal
    down_payment: decimal.Decimal
    payment_method: PaymentMethod
    delivery_with_certificate: bool
    lender_id_number: str | None = None


@strawberry.input
class SignContractInput:
    contract_id: strawberry.ID
    document_hash: str = strawberry.field(description="Must equal the contract's current documentHash: the signer saw this text")


@strawberry.input
class RecordFundDepositInput:
    contract_id: strawberry.ID
    kind: FundKind
    amount: decimal.Decimal
    bank_reference: str


@strawberry.input
class FileContractInput:
    contract_id: strawberry.ID


@strawberry.input
class CancelContractInput:
    contract_id: strawberry.ID
    reason: str


@strawberry.input
class SubmitAdvanceRegistrationInput:
    registration_id: strawberry.ID
    accept_delivery_with_certificate: bool = strawberry.field(
        description="The buyer's answer to the inquiry: delivery of the home together with its certificate"
    )


@strawberry.input
class AssessDeedTaxInput:
    contract_id: strawberry.ID


@strawberry.input
class RecordTaxPaymentInput:
    tax_record_id: strawberry.ID
    amount: decimal.Decimal
    voucher_number: str


@strawberry.input
class ApproveMortgageInput:
    contract_id: strawberry.ID
    principal: decimal.Decimal
    term_months: int


@strawberry.input
class SignMortgageInput:
    mortgage_id: strawberry.ID


@strawberry.input
class ApplyAdvanceMortgageRegistrationInput:
    mortgage_id: strawberry.ID


@strawberry.input
class DischargeMortgageInput:
    mortgage_id: strawberry.ID


@strawberry.input
class RecordCompletionAcceptanceInput:
    permit_id: strawberry.ID
    acceptance_number: str


@strawberry.input
class ApplyFirstRegistrationInput:
    permit_id: strawberry.ID


@strawberry.input
class RegisterSeizureInput:
    property_id: strawberry.ID
    court: str
    document_number: str
    until: datetime.date


@strawberry.input
class ReleaseSeizureInput:
    registration_id: strawberry.ID
    document_number: str


# ---------------------------------------------------------------- query filters


@strawberry.input
class PropertyFilter:
    permit_id: strawberry.ID | None = None
    status: PropertyStatus | None = None
    owner_id_number: str | None = None


@strawberry.input
class ContractFilter:
    status: ContractStatus | None = None
    property_id: strawberry.ID | None = None
    buyer_id_number: str | None = None


@strawberry.input
class RegistrationFilter:
    kind: RegistrationKind | None = None
    status: RegistrationStatus | None = None
    property_id: strawberry.ID | None = None


@strawberry.input
class TaxRecordFilter:
    status: TaxStatus | None = None
    taxpayer_id_number: str | None = None


@strawberry.input
class MortgageFilter:
    status: MortgageStatus | None = None
    lender_id: strawberry.ID | None = None


@strawberry.input(description="New terms for a contract not yet filed (added beyond the contract)")
class ReviseContractInput:
    contract_id: strawberry.ID
    buyers: list[ContractBuyerInput]
    price: decimal.Decimal
    down_payment: decimal.Decimal
    payment_method: PaymentMethod
    delivery_with_certificate: bool
    lender_id_number: str | None = None


# ---------------------------------------------------------------- issue 13: beyond the first sale (DESIGN §7)


@strawberry.input
class ApplyCancellationRegistrationInput:
    registration_id: strawberry.ID = strawberry.field(description="The right in force to cancel")
    reason: str
    court_document: str | None = strawberry.field(
        default=None, description="The court judgment's number: required when a REGISTRAR applies alone")


@strawberry.input
class SignRegistrationInput:
    registration_id: strawberry.ID
    document_hash: str = strawberry.field(description="SHA-256 hex of the canonical applicationForm: the signer saw this text")


@strawberry.input
class DecideRegistrationInput:
    registration_id: strawberry.ID
    approve: bool
    reason: str


@strawberry.input
class WithdrawRegistrationInput:
    registration_id: strawberry.ID
    reason: str


@strawberry.input
class ReapplyAdvanceRegistrationInput:
    contract_id: strawberry.ID


@strawberry.input
class RegisterObjectionInput:
    property_id: strawberry.ID
    applicant_id_number: str
    claim: str


@strawberry.input
class RecordObjectionLawsuitInput:
    registration_id: strawberry.ID
    case_number: str


@strawberry.input
class RecordFundRefundInput:
    contract_id: strawberry.ID
    amount: decimal.Decimal
    bank_reference: str


@strawberry.input
class CorrectionInput:
    field: str = strawberry.field(description="buildingArea, address, or holderName (corrected to the name the shared data has)")
    value: str


@strawberry.input
class ApplyCorrectionRegistrationInput:
    registration_id: strawberry.ID = strawberry.field(description="The ownership registration in force to correct")
    corrections: list[CorrectionInput]
    reason: str
