"""房屋套数: residential homes held by a person or their family, from the platform's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from tortoise import connections
from tortoise.expressions import Q, Subquery

from domain import sql
from domain.enums import HomeBasis, HomesScope
from domain.models import ContractBuyer, ContractLender, Party, SharedPersonRecord
from domain.rules.homes import FamilyFacts, HomeClaim, counted_members, distinct_homes
from domain.services.parties import person_parties_from_shared_records


@dataclass(frozen=True)
class HomesOwnedResult:
    id_number: str
    scope: HomesScope
    members: list[Party]
    homes: list[HomeClaim]
    as_of: datetime

    @property
    def count(self) -> int:
        return len(self.homes)


async def homes_owned(
    id_number: str,
    scope: HomesScope,
    now: datetime,
    today: date,
    exclude_contract_id: int | None = None,
) -> HomesOwnedResult:
    record = await SharedPersonRecord.get_or_none(id_number=id_number)
    facts = (
        FamilyFacts(record.id_number, record.marital_status, record.spouse_id_number, tuple(record.children_id_numbers))
        if record
        else None
    )
    member_ids = counted_members(id_number, facts, scope, today)
    parties = await person_parties_from_shared_records(member_ids, now)
    by_party_id = {p.id: p for p in parties}
    claims = await _claims(by_party_id, exclude_contract_id)
    return HomesOwnedResult(id_number, scope, parties, distinct_homes(claims), now)


# Both ways of holding a home in one round trip: this query answers every homesOwned and every
# deed tax assessment, so it is written out rather than composed (DESIGN §3).
_CLAIMS_SQL = """
SELECT rp.party_id, r.property_id, 'REGISTERED_OWNERSHIP', r.completed_at
  FROM registration_party rp
  JOIN registration r ON r.id = rp.registration_id
  JOIN property p ON p.id = r.property_id
 WHERE rp.party_id IN ({members}) AND rp.role = 'RIGHT_HOLDER'
   AND r.kind IN ('FIRST_OWNERSHIP', 'TRANSFER') AND r.right_status = 'IN_FORCE' AND p.usage = 'RESIDENTIAL'
UNION ALL
SELECT cb.party_id, c.property_id, 'FILED_CONTRACT', c.filed_at
  FROM contract_buyer cb
  JOIN contract c ON c.id = cb.contract_id
  JOIN property p ON p.id = c.property_id
 WHERE cb.party_id IN ({members}) AND c.status = 'FILED' AND p.usage = 'RESIDENTIAL' AND c.id <> {excluded}
   AND NOT EXISTS (SELECT 1 FROM registration t
                    WHERE t.contract_id = c.id AND t.kind = 'TRANSFER' AND t.status = 'COMPLETED')
"""


async def _claims(members: dict[int, Party], exclude_contract_id: int | None) -> list[HomeClaim]:
    """Ownership rights in force and filed contracts not yet transferred, of residential homes."""
    if not members:
        return []
    party_ids = list(members)
    text = _CLAIMS_SQL.format(members=sql.marks(len(party_ids)), excluded="?")
    rows = await sql.fetch(
        connections.get("default"), text, [*party_ids, *party_ids, exclude_contract_id or 0], _ClaimRow
    )
    return [HomeClaim(r.property_id, members[r.party_id].id_number, HomeBasis(r.basis), _moment(r.since)) for r in rows]


class _ClaimRow(NamedTuple):
    party_id: int
    property_id: int
    basis: str
    since: datetime | str


def _moment(value: datetime | str) -> datetime:
    """SQLite hands raw timestamps back as text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def contract_buyer_id_numbers_of_lender(lender_party_id: int) -> set[str]:
    rows = await ContractBuyer.filter(
        Q(contract__lender_id=lender_party_id)
        | Q(contract_id__in=Subquery(ContractLender.filter(party_id=lender_party_id).values("contract_id")))
    ).values_list("party__id_number", flat=True)
    return {str(number) for number in rows}
