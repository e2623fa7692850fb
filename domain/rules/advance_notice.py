"""预告登记智能秒批: the rules the system runs when the last buyer has signed (DESIGN §2 step 6)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    message: str


@dataclass(frozen=True)
class AdvanceNoticeFacts:
    contract_filed: bool
    unsigned_applicants: tuple[str, ...]
    seizure_in_force: bool
    competing_notice_in_force: bool
    identity_mismatches: tuple[str, ...]
    # Applicants who answered "no" to the inquiry (delivery with the certificate).
    inquiry_refusals: tuple[str, ...] = ()
    # Applicants who are people and have no shared population record, and whether the
    # county's policy requires one for an instant approval (DATA_COMPLETE).
    missing_shared_records: tuple[str, ...] = ()
    shared_record_required: bool = False


def advance_notice_checks(facts: AdvanceNoticeFacts) -> list[Check]:
    """Every rule, passed or not, so the decision can be read back in full."""
    return [
        Check(
            "CONTRACT_FILED",
            facts.contract_filed,
            "the sales contract is filed"
            if facts.contract_filed
            else "the sales contract is not filed (or was cancelled)",
        ),
        Check(
            "SIGNATURES_COMPLETE",
            not facts.unsigned_applicants,
            "every applicant answered and signed"
            if not facts.unsigned_applicants
            else f"not signed by: {', '.join(facts.unsigned_applicants)}",
        ),
        Check(
            "NO_SEIZURE",
            not facts.seizure_in_force,
            "no seizure is in force" if not facts.seizure_in_force else "the property is seized (查封)",
        ),
        Check(
            "NO_COMPETING_ADVANCE_NOTICE",
            not facts.competing_notice_in_force,
            "no other advance notice is in force"
            if not facts.competing_notice_in_force
            else "another advance notice on this property is in force",
        ),
        Check(
            "IDENTITIES_MATCH_SHARED_DATA",
            not facts.identity_mismatches,
            "every applicant matches the shared population data"
            if not facts.identity_mismatches
            else f"names differ from shared population data for: {', '.join(facts.identity_mismatches)}",
        ),
        Check(
            "INQUIRY_ACCEPTED",
            not facts.inquiry_refusals,
            "every applicant accepted delivery with the certificate"
            if not facts.inquiry_refusals
            else f"answered no to the inquiry: {', '.join(facts.inquiry_refusals)}",
        ),
        _data_complete(facts),
    ]


def _data_complete(facts: AdvanceNoticeFacts) -> Check:
    """A rule whose data is missing: a person without a shared record, where the policy wants one."""
    if not facts.shared_record_required:
        return Check(
            "DATA_COMPLETE",
            True,
            "names are checked against shared population data where a record exists (none is required)",
        )
    if facts.missing_shared_records:
        return Check(
            "DATA_COMPLETE",
            False,
            f"no shared population record for: {', '.join(facts.missing_shared_records)} "
            "(county policy requires one for an instant approval)",
        )
    return Check("DATA_COMPLETE", True, "every applicant who is a person has a shared population record")


def approved(checks: list[Check]) -> bool:
    return all(c.passed for c in checks)
