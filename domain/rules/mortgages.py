"""Mortgages of registered homes (DESIGN §7): who may borrow, when a mortgage registers, its priority.

Priority (顺位) is the order of registration among the mortgage rights in force on a property:
an advance mortgage (预告抵押) keeps the rank it took when it was registered after it converts
into a mortgage, so a right ranks by its origin (the advance registration it was converted from,
else itself). A right is registered when it completes, in commit order: the log's sequence of
the origin's REGISTRATION_COMPLETED says when. (An application that waits for its fee, 登记费,
gets its id when applied for and is registered when paid, so the id alone does not order them;
it breaks ties, and orders rights with no such event.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.enums import MortgageStatus
from domain.errors import DomainError

# What Mortgage.priority says of a mortgage with no right in force any more (discharged, ended).
NOT_IN_FORCE = 0


@dataclass(frozen=True)
class MortgageRight:
    """A mortgage right (ADVANCE_MORTGAGE or MORTGAGE) in force on a property."""

    registration_id: int
    mortgage_id: int | None
    converted_from_id: int | None
    # The log sequence of the origin's REGISTRATION_COMPLETED: when it was registered.
    registered_seq: int | None = None

    @property
    def origin(self) -> int:
        return self.converted_from_id or self.registration_id


def ranks(rights: Iterable[MortgageRight]) -> dict[int, int]:
    """Registration id → priority (1 = first) of the mortgage rights in force on one property."""
    ordered = sorted(
        rights, key=lambda r: (r.registered_seq is None, r.registered_seq or 0, r.origin, r.registration_id)
    )
    return {r.registration_id: i for i, r in enumerate(ordered, start=1)}


def mortgage_priority(status: MortgageStatus, rank: int | None, rights_in_force: int) -> int:
    """A mortgage's priority: its rank while its right is in force; for an approved loan not
    registered yet, the rank it would take if registered now (after every right in force);
    0 once it has no right in force (discharged)."""
    if rank is not None:
        return rank
    if status == MortgageStatus.APPROVED:
        return rights_in_force + 1
    return NOT_IN_FORCE


def borrowers_refusal(borrowers: Sequence[int], holders: Sequence[int]) -> DomainError | None:
    """Borrowers of a registered home: one or more, each once, each a holder of its ownership in force."""
    if not holders:
        return DomainError(
            "INVALID_STATE", "the property has no ownership registered (首次登记) to mortgage", ["input", "propertyId"]
        )
    if not borrowers:
        return DomainError("INVALID_INPUT", "name at least one borrower", ["input", "borrowers"])
    seen: set[int] = set()
    for index, party in enumerate(borrowers):
        if party in seen:
            return DomainError("INVALID_INPUT", "a borrower is named twice", ["input", "borrowers", str(index)])
        seen.add(party)
        if party not in holders:
            return DomainError(
                "INVALID_INPUT",
                "each borrower must hold the ownership in force of the property",
                ["input", "borrowers", str(index)],
            )
    return None


@dataclass(frozen=True)
class MortgageRegistrationFacts:
    status: MortgageStatus
    on_contract: bool  # a loan on a NEW_HOME contract (it registers as an advance mortgage)
    borrowers: frozenset[int]
    signers: frozenset[int]
    holders: frozenset[int]
    seizure_in_force: bool
    objection_in_force: bool
    # A buyers' loan on a RESALE contract: registered with the transfer when signed in time, else
    # by its lender once the buyers hold the home.
    on_resale: bool = False


def mortgage_registration_refusal(facts: MortgageRegistrationFacts) -> DomainError | None:
    """The first rule a mortgage registration of a registered home breaks, or None (抵押权登记)."""
    if facts.on_contract:
        return DomainError(
            "INVALID_STATE",
            "a loan on a new-home contract registers with applyAdvanceMortgageRegistration",
            ["input", "mortgageId"],
        )
    if facts.status != MortgageStatus.APPROVED:
        return DomainError("INVALID_STATE", f"the mortgage is {facts.status.value.lower()}", ["input", "mortgageId"])
    missing = facts.borrowers - facts.signers
    if missing:
        return DomainError("SIGNATURES_MISSING", f"{len(missing)} borrower(s) have not signed the mortgage")
    if facts.on_resale and not (facts.holders and facts.borrowers <= facts.holders):
        return DomainError(
            "INVALID_STATE",
            "a loan on a resale registers with its transfer, or once the buyers hold the home",
            ["input", "mortgageId"],
        )
    if not facts.holders or not facts.borrowers <= facts.holders:
        return DomainError(
            "INVALID_STATE", "the borrowers no longer hold the ownership in force", ["input", "mortgageId"]
        )
    if facts.seizure_in_force:
        return DomainError("ENCUMBERED", "the property is seized (查封)")
    if facts.objection_in_force:
        return DomainError("ENCUMBERED", "an objection (异议登记) is in force on the property")
    return None


@dataclass(frozen=True)
class BuyersLoan:
    """A loan approved on a resale contract (status APPROVED), as the transfer's decision reads it."""

    mortgage_id: int
    lender_id: int
    borrowers: tuple[int, ...]
    signers: frozenset[int]

    @property
    def fully_signed(self) -> bool:
        return bool(self.borrowers) and set(self.borrowers) <= self.signers


def loans_registered_with_transfer(loans: Iterable[BuyersLoan], lenders: Sequence[int]) -> list[BuyersLoan]:
    """The buyers' loans a resale transfer registers in its own decision (带押过户, 组合贷), in the
    order they are registered and so rank: every approved loan signed by all its borrowers, in
    the order of the contract's lenders (`Contract.lenders`: the bank, then the provident fund
    of a combined loan), then by approval. The order is the contract's, not the race between
    the lenders' approvals. A loan not fully signed is left APPROVED."""
    position = {lender: i for i, lender in enumerate(lenders)}
    chosen = [loan for loan in loans if loan.fully_signed]
    return sorted(chosen, key=lambda loan: (position.get(loan.lender_id, len(position)), loan.mortgage_id))
