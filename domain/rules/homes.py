"""The home-count rule (房屋套数, DESIGN §3), free of I/O: who counts and which homes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.enums import HomeBasis, HomesScope, MaritalStatus
from domain.rules.identity import age_on, is_resident_id

ADULT_AGE = 18


@dataclass(frozen=True)
class FamilyFacts:
    """What the shared population record says about one person."""

    id_number: str
    marital_status: MaritalStatus
    spouse_id_number: str | None
    children_id_numbers: tuple[str, ...]


def counted_members(person: str, facts: FamilyFacts | None, scope: HomesScope, today: date) -> list[str]:
    """The person, and under FAMILY their spouse (if married) and children under 18."""
    members = [person]
    if scope == HomesScope.INDIVIDUAL or facts is None:
        return members
    if facts.marital_status == MaritalStatus.MARRIED and facts.spouse_id_number:
        members.append(facts.spouse_id_number)
    for child in facts.children_id_numbers:
        if is_resident_id(child) and age_on(child, today) < ADULT_AGE and child not in members:
            members.append(child)
    return members


@dataclass(frozen=True)
class HomeClaim:
    """One reason a member holds a residential property."""

    property_id: int
    holder_id_number: str
    basis: HomeBasis
    since: datetime


def distinct_homes(claims: Iterable[HomeClaim]) -> list[HomeClaim]:
    """One claim per property: registered ownership wins over a filed contract, then the earliest."""
    best: dict[int, HomeClaim] = {}
    for claim in claims:
        current = best.get(claim.property_id)
        if current is None or _rank(claim) < _rank(current):
            best[claim.property_id] = claim
    return sorted(best.values(), key=lambda c: (c.since, c.property_id))


def _rank(claim: HomeClaim) -> tuple[int, datetime]:
    return (0 if claim.basis == HomeBasis.REGISTERED_OWNERSHIP else 1, claim.since)
