"""Closed vocabularies shared by the models, the rules and the GraphQL layer."""

from enum import Enum


class Role(str, Enum):
    REGISTRAR = "REGISTRAR"
    HOUSING = "HOUSING"
    TAX = "TAX"
    BANK = "BANK"
    PROVIDENT_FUND = "PROVIDENT_FUND"
    DEVELOPER = "DEVELOPER"
    BUYER = "BUYER"
    SUPERVISOR = "SUPERVISOR"


# Department roles that see every record (DESIGN §1).
ROLES_SEEING_EVERYTHING = frozenset({Role.REGISTRAR, Role.HOUSING, Role.TAX, Role.SUPERVISOR})
LENDER_ROLES = frozenset({Role.BANK, Role.PROVIDENT_FUND})


class PartyKind(str, Enum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"


class MaritalStatus(str, Enum):
    SINGLE = "SINGLE"
    MARRIED = "MARRIED"
    DIVORCED = "DIVORCED"
    WIDOWED = "WIDOWED"


class LicenceStatus(str, Enum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


class SaleType(str, Enum):
    PRESALE = "PRESALE"
    CURRENT_SALE = "CURRENT_SALE"


class PermitStatus(str, Enum):
    VALID = "VALID"
    REVOKED = "REVOKED"


class PropertyUsage(str, Enum):
    RESIDENTIAL = "RESIDENTIAL"
    COMMERCIAL = "COMMERCIAL"
    OFFICE = "OFFICE"
    PARKING = "PARKING"
    OTHER = "OTHER"


class PropertyStatus(str, Enum):
    AVAILABLE = "AVAILABLE"
    SOLD = "SOLD"
    PRE_REGISTERED = "PRE_REGISTERED"
    REGISTERED = "REGISTERED"


class PaymentMethod(str, Enum):
    FULL_PAYMENT = "FULL_PAYMENT"
    COMMERCIAL_LOAN = "COMMERCIAL_LOAN"
    PROVIDENT_FUND_LOAN = "PROVIDENT_FUND_LOAN"
    COMBINED_LOAN = "COMBINED_LOAN"


class ContractStatus(str, Enum):
    DRAFT = "DRAFT"
    SIGNED = "SIGNED"
    FILED = "FILED"
    CANCELLED = "CANCELLED"


class ContractKind(str, Enum):
    NEW_HOME = "NEW_HOME"
    # 存量房买卖: a registered home sold by the holders of its ownership (DESIGN §7).
    RESALE = "RESALE"


class FundKind(str, Enum):
    PRESALE_SUPERVISED = "PRESALE_SUPERVISED"
    MAINTENANCE = "MAINTENANCE"
    # 存量房交易资金监管: a resale's price held by the escrow bank the contract names.
    RESALE_ESCROW = "RESALE_ESCROW"


class RegistrationKind(str, Enum):
    ADVANCE_NOTICE = "ADVANCE_NOTICE"
    ADVANCE_MORTGAGE = "ADVANCE_MORTGAGE"
    FIRST_OWNERSHIP = "FIRST_OWNERSHIP"
    TRANSFER = "TRANSFER"
    MORTGAGE = "MORTGAGE"
    MORTGAGE_DISCHARGE = "MORTGAGE_DISCHARGE"
    SEIZURE = "SEIZURE"
    SEIZURE_RELEASE = "SEIZURE_RELEASE"
    CANCELLATION = "CANCELLATION"
    OBJECTION = "OBJECTION"
    CORRECTION = "CORRECTION"


# The kinds whose registration is a right on the register (a notice, an ownership, a mortgage,
# a seizure, an objection). The others record an act on a right (a discharge, a release, a
# cancellation, a correction): complete, their record stands, but no right is in force by them.
RIGHT_KINDS = frozenset(
    {
        RegistrationKind.ADVANCE_NOTICE,
        RegistrationKind.ADVANCE_MORTGAGE,
        RegistrationKind.FIRST_OWNERSHIP,
        RegistrationKind.TRANSFER,
        RegistrationKind.MORTGAGE,
        RegistrationKind.SEIZURE,
        RegistrationKind.OBJECTION,
    }
)


class RegistrationStatus(str, Enum):
    AWAITING_SIGNATURE = "AWAITING_SIGNATURE"
    SUBMITTED = "SUBMITTED"
    IN_REVIEW = "IN_REVIEW"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


# Decided or withdrawn: nothing acts on these applications any more (DESIGN §7).
FINAL_REGISTRATION_STATUSES = frozenset(
    {RegistrationStatus.COMPLETED, RegistrationStatus.REJECTED, RegistrationStatus.WITHDRAWN}
)


class RightStatus(str, Enum):
    PENDING = "PENDING"
    IN_FORCE = "IN_FORCE"
    HISTORIC = "HISTORIC"
    LAPSED = "LAPSED"


class Decider(str, Enum):
    SYSTEM = "SYSTEM"
    REGISTRAR = "REGISTRAR"


class RegistrationPartyRole(str, Enum):
    RIGHT_HOLDER = "RIGHT_HOLDER"
    APPLICANT = "APPLICANT"


class CertificateKind(str, Enum):
    OWNERSHIP_CERTIFICATE = "OWNERSHIP_CERTIFICATE"
    REGISTRATION_PROOF = "REGISTRATION_PROOF"


class CertificateStatus(str, Enum):
    CURRENT = "CURRENT"
    SUPERSEDED = "SUPERSEDED"
    CANCELLED = "CANCELLED"


class TaxKind(str, Enum):
    DEED_TAX = "DEED_TAX"
    # A resale seller's (DESIGN §7).
    VAT = "VAT"
    INDIVIDUAL_INCOME_TAX = "INDIVIDUAL_INCOME_TAX"


class TaxStatus(str, Enum):
    ASSESSED = "ASSESSED"
    PAID = "PAID"
    CANCELLED = "CANCELLED"


class HomesScope(str, Enum):
    INDIVIDUAL = "INDIVIDUAL"
    FAMILY = "FAMILY"


class HomeBasis(str, Enum):
    REGISTERED_OWNERSHIP = "REGISTERED_OWNERSHIP"
    FILED_CONTRACT = "FILED_CONTRACT"


class MortgageStatus(str, Enum):
    APPROVED = "APPROVED"
    ADVANCE_REGISTERED = "ADVANCE_REGISTERED"
    REGISTERED = "REGISTERED"
    DISCHARGED = "DISCHARGED"
    CANCELLED = "CANCELLED"


class EventType(str, Enum):
    PERMIT_ISSUED = "PERMIT_ISSUED"
    FUNDS_DEPOSITED = "FUNDS_DEPOSITED"
    CONTRACT_DRAFTED = "CONTRACT_DRAFTED"
    CONTRACT_SIGNED = "CONTRACT_SIGNED"
    CONTRACT_FILED = "CONTRACT_FILED"
    CONTRACT_CANCELLED = "CONTRACT_CANCELLED"
    REGISTRATION_SUBMITTED = "REGISTRATION_SUBMITTED"
    REGISTRATION_COMPLETED = "REGISTRATION_COMPLETED"
    REGISTRATION_REJECTED = "REGISTRATION_REJECTED"
    TAX_ASSESSED = "TAX_ASSESSED"
    TAX_PAID = "TAX_PAID"
    MORTGAGE_APPROVED = "MORTGAGE_APPROVED"
    COMPLETION_ACCEPTED = "COMPLETION_ACCEPTED"
    CERTIFICATE_ISSUED = "CERTIFICATE_ISSUED"
    # Added beyond the contract, for state changes it names no event for.
    ORGANIZATION_REGISTERED = "ORGANIZATION_REGISTERED"
    MORTGAGE_SIGNED = "MORTGAGE_SIGNED"
    RIGHT_LAPSED = "RIGHT_LAPSED"
    REGISTRATION_IN_REVIEW = "REGISTRATION_IN_REVIEW"
    REGISTRATION_WITHDRAWN = "REGISTRATION_WITHDRAWN"
    OBJECTION_LAWSUIT_RECORDED = "OBJECTION_LAWSUIT_RECORDED"
    FUNDS_REFUNDED = "FUNDS_REFUNDED"
    # 带押过户: a mortgage's lender consents to the resale of the home (DESIGN §7).
    TRANSFER_CONSENTED = "TRANSFER_CONSENTED"
    # 登记费 paid on a registration (DESIGN §7).
    FEE_PAID = "FEE_PAID"
