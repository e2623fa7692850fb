"""网签即时备案: the checks of DESIGN §2 step 5, in order, on facts read in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.enums import ContractStatus, PermitStatus
from domain.errors import DomainError


@dataclass(frozen=True)
class FilingFacts:
    status: ContractStatus
    required_signers: frozenset[int]
    signers_of_current_text: frozenset[int]
    permit_status: PermitStatus | None
    permit_covers_property: bool
    another_contract_filed: bool
    rights_of_others_in_force: bool
    seizure_in_force: bool
    supervised_deposited: Decimal
    supervised_required: Decimal
    maintenance_deposited: Decimal
    maintenance_required: Decimal


def filing_refusal(facts: FilingFacts) -> DomainError | None:
    """The first rule the filing breaks, or None when it may be filed."""
    if facts.status in (ContractStatus.FILED, ContractStatus.CANCELLED):
        return DomainError(
            "INVALID_STATE", f"the contract is {facts.status.value.lower()} already", ["input", "contractId"]
        )
    missing = facts.required_signers - facts.signers_of_current_text
    if facts.status != ContractStatus.SIGNED or missing:
        return DomainError(
            "SIGNATURES_MISSING", f"{len(missing) or 'some'} of the parties have not signed the current text"
        )
    if facts.permit_status != PermitStatus.VALID or not facts.permit_covers_property:
        return DomainError("PERMIT_INVALID", "no valid pre-sale permit covers this property")
    if facts.another_contract_filed or facts.rights_of_others_in_force:
        return DomainError(
            "ALREADY_SOLD", "this home is sold already: another contract is filed or another party holds a right"
        )
    if facts.seizure_in_force:
        return DomainError("ENCUMBERED", "the property is seized (查封)")
    if facts.supervised_deposited < facts.supervised_required:
        return DomainError(
            "FUNDS_NOT_DEPOSITED",
            f"the supervised account holds {facts.supervised_deposited} of the {facts.supervised_required} required",
        )
    if facts.maintenance_deposited < facts.maintenance_required:
        return DomainError(
            "MAINTENANCE_FUND_UNPAID",
            f"the maintenance fund holds {facts.maintenance_deposited} of the {facts.maintenance_required} required",
        )
    return None


@dataclass(frozen=True)
class ResaleFilingFacts:
    """存量房网签备案 (DESIGN §7): what filing a resale reads, after the property and contract are locked."""

    status: ContractStatus
    required_signers: frozenset[int]
    signers_of_current_text: frozenset[int]
    sellers: frozenset[int]
    holders_in_force: frozenset[int]
    another_contract_filed: bool
    rights_of_others_in_force: bool
    seizure_in_force: bool
    objection_in_force: bool
    escrow_required: Decimal | None
    escrow_deposited: Decimal
    mortgage_in_force: bool
    mortgage_consented: bool = False  # 带押过户: every mortgage in force consented to by its lender


def resale_filing_refusal(facts: ResaleFilingFacts) -> DomainError | None:
    """The first rule filing a resale breaks, or None when it may be filed."""
    if facts.status in (ContractStatus.FILED, ContractStatus.CANCELLED):
        return DomainError(
            "INVALID_STATE", f"the contract is {facts.status.value.lower()} already", ["input", "contractId"]
        )
    missing = facts.required_signers - facts.signers_of_current_text
    if facts.status != ContractStatus.SIGNED or missing:
        return DomainError(
            "SIGNATURES_MISSING", f"{len(missing) or 'some'} of the parties have not signed the current text"
        )
    if not facts.sellers or facts.sellers != facts.holders_in_force:
        return DomainError("ALREADY_SOLD", "the sellers no longer hold this home's ownership in force")
    if facts.another_contract_filed or facts.rights_of_others_in_force:
        return DomainError(
            "ALREADY_SOLD", "this home is sold already: another contract is filed or another party holds a right"
        )
    if facts.seizure_in_force:
        return DomainError("ENCUMBERED", "the property is seized (查封)")
    if facts.objection_in_force:
        return DomainError("ENCUMBERED", "an objection (异议登记) is in force on the property")
    if facts.escrow_required is not None and facts.escrow_deposited < facts.escrow_required:
        return DomainError(
            "FUNDS_NOT_DEPOSITED",
            f"the escrow account holds {facts.escrow_deposited} of the {facts.escrow_required} agreed",
        )
    if facts.mortgage_in_force and not facts.mortgage_consented:
        return DomainError(
            "ENCUMBERED", "a mortgage is in force on the home: its lender consents to the transfer (带押过户) first"
        )
    return None
