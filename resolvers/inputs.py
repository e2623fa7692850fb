"""Mutation inputs of the contract (names fixed by ../shared/contract)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
from typing import Any

import strawberry

from domain import models as m
from domain.rules import validation
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
    lenders: list[str] | None = strawberry.field(
        default=None,
        description="The lenders' credit codes, the first being `lender`: a COMBINED_LOAN names a bank and a "
        "provident fund centre (组合贷); other loans at most one. Given with lenderIdNumber, that is their first",
    )
    escrow_bank_id_number: str | None = strawberry.field(
        default=None,
        description="A resale's escrow bank (存量房交易资金监管): it records the deposits filing needs",
    )
    escrow_amount: decimal.Decimal | None = strawberry.field(
        default=None, description="What the resale's escrow must hold before filing"
    )


@strawberry.input
class SignContractInput:
    contract_id: strawberry.ID
    document_hash: str = strawberry.field(
        description="Must equal the contract's current documentHash: the signer saw this text"
    )


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
class AssessSellerTaxesInput:
    contract_id: strawberry.ID


@strawberry.input
class ApplyTransferRegistrationInput:
    contract_id: strawberry.ID


@strawberry.input
class ConsentToTransferInput:
    mortgage_id: strawberry.ID
    contract_id: strawberry.ID = strawberry.field(description="The resale of the mortgaged home (带押过户)")


@strawberry.input
class RecordTaxPaymentInput:
    tax_record_id: strawberry.ID
    amount: decimal.Decimal
    voucher_number: str


@strawberry.input
class RecordFeePaymentInput:
    registration_id: strawberry.ID
    amount: decimal.Decimal
    voucher_number: str


@strawberry.input(
    description="Exactly one of contractId (a loan on a filed new-home contract) or propertyId with borrowers "
    "(a loan to the owners of a registered home)"
)
class ApproveMortgageInput:
    principal: decimal.Decimal
    term_months: int
    contract_id: strawberry.ID | None = strawberry.field(
        default=None, description="The filed new-home contract whose buyers borrow"
    )
    property_id: strawberry.ID | None = strawberry.field(
        default=None, description="A REGISTERED home whose owners borrow against it"
    )
    borrowers: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="With propertyId: the borrowers (Party IDs), each a holder of the home's ownership in force",
    )


@strawberry.input
class SignMortgageInput:
    mortgage_id: strawberry.ID


@strawberry.input
class ApplyAdvanceMortgageRegistrationInput:
    mortgage_id: strawberry.ID


@strawberry.input
class ApplyMortgageRegistrationInput:
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
    lenders: list[str] | None = strawberry.field(
        default=None,
        description="The lenders' credit codes, the first being `lender`: a COMBINED_LOAN names a bank and a "
        "provident fund centre (组合贷); other loans at most one. Given with lenderIdNumber, that is their first",
    )


# ---------------------------------------------------------------- issue 13: beyond the first sale (DESIGN §7)


@strawberry.input
class ApplyCancellationRegistrationInput:
    registration_id: strawberry.ID = strawberry.field(description="The right in force to cancel")
    reason: str
    court_document: str | None = strawberry.field(
        default=None, description="The court judgment's number: required when a REGISTRAR applies alone"
    )


@strawberry.input
class SignRegistrationInput:
    registration_id: strawberry.ID
    document_hash: str = strawberry.field(
        description="SHA-256 hex of the canonical applicationForm: the signer saw this text"
    )


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
    field: str = strawberry.field(
        description="buildingArea, address, or holderName (corrected to the name the shared data has)"
    )
    value: str


@strawberry.input
class ApplyCorrectionRegistrationInput:
    registration_id: strawberry.ID = strawberry.field(description="The ownership registration in force to correct")
    corrections: list[CorrectionInput]
    reason: str


# ---------------------------------------------------------------- length limits


# No PostgreSQL text holds U+0000 (asyncpg refuses to send it): no input may carry it.
NUL = "\x00"


def column(model: type, name: str) -> int:
    """The length of a text column: an input stored there may not be longer."""
    return model._meta.fields_map[name].max_length


def fits(model: type, name: str, value: str) -> bool:
    """Whether `value` could be stored in the column at all: a lookup by a longer one finds
    nothing, nor by one with a NUL (PostgreSQL text cannot hold it, and refuses the query)."""
    return len(value) <= column(model, name) and NUL not in value


# Every global ID this server gives out is far shorter ("Type:pk" in base64).
ID_LENGTH = 64
# Free text kept in a TEXT column or inside a registration's application form.
REASON_LENGTH = 1000
COURT_LENGTH = 200
COURT_DOCUMENT_LENGTH = 100

# Per input type, the longest text each string field may carry (python field name -> length).
MAX_LENGTHS: dict[type, dict[str, int]] = {
    RegisterOrganizationInput: {"name": column(m.Party, "name"), "id_number": column(m.Party, "id_number")},
    PropertyInput: {
        "unit_code": column(m.Property, "unit_code"),
        "address": column(m.Property, "address"),
        "building": column(m.Property, "building"),
        "room": column(m.Property, "room"),
    },
    IssuePresalePermitInput: {
        "number": column(m.Permit, "number"),
        "developer_id_number": column(m.Party, "id_number"),
        "project_name": column(m.Permit, "project_name"),
        "supervised_account": column(m.Permit, "supervised_account"),
        "supervising_bank_id_number": column(m.Party, "id_number"),
    },
    ContractBuyerInput: {"id_number": column(m.Party, "id_number"), "name": column(m.Party, "name")},
    DraftContractInput: {
        "property_id": ID_LENGTH,
        "lender_id_number": column(m.Party, "id_number"),
        "lenders": column(m.Party, "id_number"),
        "escrow_bank_id_number": column(m.Party, "id_number"),
    },
    ReviseContractInput: {
        "contract_id": ID_LENGTH,
        "lender_id_number": column(m.Party, "id_number"),
        "lenders": column(m.Party, "id_number"),
    },
    SignContractInput: {"contract_id": ID_LENGTH, "document_hash": column(m.Contract, "document_hash")},
    RecordFundDepositInput: {"contract_id": ID_LENGTH, "bank_reference": column(m.FundDeposit, "bank_reference")},
    FileContractInput: {"contract_id": ID_LENGTH},
    CancelContractInput: {"contract_id": ID_LENGTH, "reason": REASON_LENGTH},
    SubmitAdvanceRegistrationInput: {"registration_id": ID_LENGTH},
    AssessDeedTaxInput: {"contract_id": ID_LENGTH},
    AssessSellerTaxesInput: {"contract_id": ID_LENGTH},
    ApplyTransferRegistrationInput: {"contract_id": ID_LENGTH},
    ConsentToTransferInput: {"mortgage_id": ID_LENGTH, "contract_id": ID_LENGTH},
    RecordTaxPaymentInput: {"tax_record_id": ID_LENGTH, "voucher_number": column(m.TaxRecord, "voucher_number")},
    RecordFeePaymentInput: {"registration_id": ID_LENGTH, "voucher_number": column(m.FeePayment, "voucher_number")},
    ApproveMortgageInput: {"contract_id": ID_LENGTH, "property_id": ID_LENGTH, "borrowers": ID_LENGTH},
    ApplyMortgageRegistrationInput: {"mortgage_id": ID_LENGTH},
    SignMortgageInput: {"mortgage_id": ID_LENGTH},
    ApplyAdvanceMortgageRegistrationInput: {"mortgage_id": ID_LENGTH},
    DischargeMortgageInput: {"mortgage_id": ID_LENGTH},
    RecordCompletionAcceptanceInput: {
        "permit_id": ID_LENGTH,
        "acceptance_number": column(m.Permit, "completion_acceptance_number"),
    },
    ApplyFirstRegistrationInput: {"permit_id": ID_LENGTH},
    RegisterSeizureInput: {"property_id": ID_LENGTH, "court": COURT_LENGTH, "document_number": COURT_DOCUMENT_LENGTH},
    ReleaseSeizureInput: {"registration_id": ID_LENGTH, "document_number": COURT_DOCUMENT_LENGTH},
    ApplyCancellationRegistrationInput: {
        "registration_id": ID_LENGTH,
        "reason": REASON_LENGTH,
        "court_document": COURT_DOCUMENT_LENGTH,
    },
    SignRegistrationInput: {"registration_id": ID_LENGTH, "document_hash": column(m.Contract, "document_hash")},
    DecideRegistrationInput: {"registration_id": ID_LENGTH, "reason": REASON_LENGTH},
    WithdrawRegistrationInput: {"registration_id": ID_LENGTH, "reason": REASON_LENGTH},
    ReapplyAdvanceRegistrationInput: {"contract_id": ID_LENGTH},
    RegisterObjectionInput: {
        "property_id": ID_LENGTH,
        "applicant_id_number": column(m.Party, "id_number"),
        "claim": REASON_LENGTH,
    },
    RecordObjectionLawsuitInput: {
        "registration_id": ID_LENGTH,
        "case_number": column(m.Registration, "lawsuit_case_number"),
    },
    RecordFundRefundInput: {"contract_id": ID_LENGTH, "bank_reference": column(m.FundRefund, "bank_reference")},
    CorrectionInput: {"field": 32, "value": column(m.Property, "address")},
    ApplyCorrectionRegistrationInput: {"registration_id": ID_LENGTH, "reason": REASON_LENGTH},
    PropertyFilter: {"permit_id": ID_LENGTH, "owner_id_number": column(m.Party, "id_number")},
    ContractFilter: {"property_id": ID_LENGTH, "buyer_id_number": column(m.Party, "id_number")},
    RegistrationFilter: {"property_id": ID_LENGTH},
    TaxRecordFilter: {"taxpayer_id_number": column(m.Party, "id_number")},
    MortgageFilter: {"lender_id": ID_LENGTH},
}
# Integers the services do not range-check themselves, and the range they may take
# (a floor: the deepest basement to above the tallest tower; termMonths is the service's rule).
INT_RANGES: dict[type, dict[str, tuple[int, int]]] = {
    PropertyInput: {"floor": (-10, 300)},
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _check_text(given: str, limit: int, field: list[str]) -> None:
    if len(given.strip()) > limit:
        raise validation.InvalidInput(f"must be at most {limit} characters", field)
    if NUL in given:
        raise validation.InvalidInput("must not contain the NUL character (U+0000)", field)


def check_input(value: Any, path: tuple[str, ...] = ("input",)) -> None:
    """Every text of `value` within its column, every integer within its range: else
    INVALID_INPUT naming the field, before anything reads the database."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_input(item, (*path, str(index)))
        return
    if not dataclasses.is_dataclass(value):
        return
    lengths = MAX_LENGTHS.get(type(value), {})
    ranges = INT_RANGES.get(type(value), {})
    for item in dataclasses.fields(value):
        given = getattr(value, item.name)
        field = [*path, _camel(item.name)]
        if isinstance(given, str) and not isinstance(given, enum.Enum):
            _check_text(given, lengths[item.name], field)
        elif isinstance(given, list) and any(isinstance(g, str) and not isinstance(g, enum.Enum) for g in given):
            # A list of texts (e.g. `lenders`): each within the field's length.
            for index, text in enumerate(given):
                _check_text(text, lengths[item.name], [*field, str(index)])
        elif isinstance(given, int) and not isinstance(given, bool) and item.name in ranges:
            low, high = ranges[item.name]
            if not low <= given <= high:
                raise validation.InvalidInput(f"must be between {low} and {high}", field)
        elif isinstance(given, list) and item.name in lengths and all(isinstance(t, str) for t in given):
            for index, text in enumerate(given):  # a list of texts (IDs), each within the limit
                if len(text.strip()) > lengths[item.name]:
                    raise validation.InvalidInput(
                        f"must be at most {lengths[item.name]} characters", [*field, str(index)]
                    )
        elif isinstance(given, list) or dataclasses.is_dataclass(given):
            check_input(given, tuple(field))
