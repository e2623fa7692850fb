"""Tortoise models: one module per area, all in the `onewindow` app."""

from domain.models.access import AccessRecord
from domain.models.contracts import (
    Contract,
    ContractBuyer,
    ContractLender,
    ContractSeller,
    FundDeposit,
    FundRefund,
    Signature,
)
from domain.models.events import Event, EventAudience, EventLogHead
from domain.models.metrics import ApplicationFigures, PermitFigures
from domain.models.mortgages import Mortgage, MortgageBorrower
from domain.models.parties import Party, SharedOrganizationRecord, SharedPersonRecord
from domain.models.permits import Permit, Property
from domain.models.registrations import Certificate, FeePayment, Registration, RegistrationParty, RuleCheck
from domain.models.sequences import NumberSequence
from domain.models.tax import TaxRecord

APP_LABEL = "onewindow"
MODEL_MODULES = [
    "domain.models.parties",
    "domain.models.permits",
    "domain.models.contracts",
    "domain.models.registrations",
    "domain.models.tax",
    "domain.models.mortgages",
    "domain.models.events",
    "domain.models.sequences",
    "domain.models.access",
    "domain.models.metrics",
]

__all__ = [
    "APP_LABEL",
    "MODEL_MODULES",
    "AccessRecord",
    "ApplicationFigures",
    "Certificate",
    "Contract",
    "ContractBuyer",
    "ContractLender",
    "ContractSeller",
    "Event",
    "EventAudience",
    "EventLogHead",
    "FeePayment",
    "FundDeposit",
    "FundRefund",
    "Mortgage",
    "MortgageBorrower",
    "NumberSequence",
    "Party",
    "Permit",
    "PermitFigures",
    "Property",
    "Registration",
    "RegistrationParty",
    "RuleCheck",
    "SharedOrganizationRecord",
    "SharedPersonRecord",
    "Signature",
    "TaxRecord",
]
