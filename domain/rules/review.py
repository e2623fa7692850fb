"""Instant or by a person (DESIGN §7): which failed checks a registrar may still approve."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from domain.rules.advance_notice import Check

# Rules whose failure a person can judge: an identity that does not match shared data, an
# inquiry answered "no", data the rule needs that is missing. Every other rule is hard.
PERSON_JUDGES = frozenset({"IDENTITIES_MATCH_SHARED_DATA", "INQUIRY_ACCEPTED", "DATA_COMPLETE"})


class Outcome(str, Enum):
    APPROVE = "APPROVE"
    REVIEW = "REVIEW"
    REJECT = "REJECT"


def outcome(checks: Iterable[Check]) -> Outcome:
    """REJECT when a hard rule fails, REVIEW when only rules a person can judge fail, else APPROVE."""
    failed = {c.rule for c in checks if not c.passed}
    if not failed:
        return Outcome.APPROVE
    if failed <= PERSON_JUDGES:
        return Outcome.REVIEW
    return Outcome.REJECT
