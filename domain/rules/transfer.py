"""转移登记 of a resale (存量房买卖, DESIGN §7): the rules the system runs when the last
applicant has signed, and again whenever a payment the transfer waits for is recorded.

Hard rules reject at once; a rule a person can judge sends the application to review
(domain/rules/review.py); unpaid taxes or fees keep it waiting (SUBMITTED) until the last
payment is recorded, when it completes by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from domain.enums import TaxStatus
from domain.rules.advance_notice import Check
from domain.rules.review import PERSON_JUDGES, Outcome, outcome

# Rules a payment settles: while only these fail the application waits for the money.
PAYMENT_RULES = frozenset({"DEED_TAX_PAID", "SELLER_TAXES_PAID", "FEE_PAID"})


@dataclass(frozen=True)
class ResaleTransferFacts:
    contract_filed: bool
    unsigned_applicants: tuple[str, ...]
    # The sellers are exactly the holders of the ownership in force.
    sellers_hold_ownership: bool
    seizure_in_force: bool
    objection_in_force: bool
    # A mortgage in force on the home that its lender has not consented to transfer (带押过户).
    mortgage_without_consent: bool
    identity_mismatches: tuple[str, ...]
    deed_tax_settled: bool
    seller_taxes_settled: bool
    # What the registration fee still wants (登记费); 0 when paid or none is due.
    fee_outstanding: Decimal = Decimal(0)


def taxes_settled(taxpayers: Iterable[int], records: Iterable[tuple[int, TaxStatus, Decimal]]) -> bool:
    """Every taxpayer has an assessment and none is left unpaid (an exempt one, 0.00, needs no payment)."""
    records = list(records)
    assessed = {taxpayer for taxpayer, status, _ in records if status != TaxStatus.CANCELLED}
    unpaid = [r for r in records if r[1] == TaxStatus.ASSESSED and r[2] != 0]
    payers = set(taxpayers)
    return bool(payers) and payers <= assessed and not unpaid


def transfer_checks(facts: ResaleTransferFacts) -> list[Check]:
    """Every rule, passed or not, so the decision reads back in full."""
    unsigned, mismatched = facts.unsigned_applicants, facts.identity_mismatches
    return [
        Check(
            "CONTRACT_FILED",
            facts.contract_filed,
            "the resale contract is filed" if facts.contract_filed else "the resale contract is not filed",
        ),
        Check(
            "SIGNATURES_COMPLETE",
            not unsigned,
            "every seller and buyer signed" if not unsigned else f"not signed by {', '.join(unsigned)}",
        ),
        Check(
            "SELLERS_HOLD_OWNERSHIP",
            facts.sellers_hold_ownership,
            "the sellers hold the ownership in force"
            if facts.sellers_hold_ownership
            else "the sellers no longer hold the ownership in force",
        ),
        Check(
            "NO_SEIZURE",
            not facts.seizure_in_force,
            "no seizure is in force" if not facts.seizure_in_force else "the property is seized (查封)",
        ),
        Check(
            "NO_OBJECTION",
            not facts.objection_in_force,
            "no objection is in force" if not facts.objection_in_force else "an objection (异议登记) is in force",
        ),
        Check(
            "MORTGAGE_CONSENTED",
            not facts.mortgage_without_consent,
            "no mortgage stands in the way"
            if not facts.mortgage_without_consent
            else "a mortgage is in force without its lender's consent to the transfer",
        ),
        Check(
            "IDENTITIES_MATCH_SHARED_DATA",
            not mismatched,
            "every name matches the population record"
            if not mismatched
            else f"names differ from the population record: {', '.join(mismatched)}",
        ),
        Check(
            "DEED_TAX_PAID",
            facts.deed_tax_settled,
            "the buyers' deed tax is paid" if facts.deed_tax_settled else "the buyers' deed tax is not paid in full",
        ),
        Check(
            "SELLER_TAXES_PAID",
            facts.seller_taxes_settled,
            "the sellers' taxes are paid"
            if facts.seller_taxes_settled
            else "the sellers' VAT and income tax are not assessed and paid in full",
        ),
        Check(
            "FEE_PAID",
            facts.fee_outstanding <= 0,
            "the registration fee is paid"
            if facts.fee_outstanding <= 0
            else f"the registration fee wants {facts.fee_outstanding}",
        ),
    ]


class Decision(str, Enum):
    APPROVE = "APPROVE"
    WAIT = "WAIT"  # only payments are missing: it completes once they are recorded
    REVIEW = "REVIEW"
    REJECT = "REJECT"


def transfer_decision(checks: Iterable[Check], approved_by_person: bool = False) -> Decision:
    """REJECT on a hard rule; REVIEW when only person-judged rules (and payments) fail; WAIT when
    only payments are missing; else APPROVE. Once a registrar approved the application, the
    rules a person judges are theirs: only the hard rules and the payments are asked again."""
    checks = [c for c in checks if not (approved_by_person and c.rule in PERSON_JUDGES)]
    judged = outcome(c for c in checks if c.rule not in PAYMENT_RULES)
    if judged == Outcome.REJECT:
        return Decision.REJECT
    if judged == Outcome.REVIEW:
        return Decision.REVIEW
    if any(not c.passed for c in checks if c.rule in PAYMENT_RULES):
        return Decision.WAIT
    return Decision.APPROVE
