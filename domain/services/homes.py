"""房屋套数: residential homes held by a person or their family, from the platform's records."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.enums import (
    ContractStatus,
    HomeBasis,
    HomesScope,
    PropertyUsage,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
)
from domain.models import Contract, ContractBuyer, Party, Registration, RegistrationParty, SharedPersonRecord
from domain.rules.homes import FamilyFacts, HomeClaim, counted_members, distinct_homes
from domain.services.parties import person_parties_from_shared_records

OWNERSHIP_KINDS = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


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
    parties = await person_parties_from_shared_records(member_ids)
    by_party_id = {p.id: p for p in parties}
    claims = await _ownership_claims(by_party_id) + await _filed_contract_claims(by_party_id, exclude_contract_id)
    return HomesOwnedResult(id_number, scope, parties, distinct_homes(claims), now)


async def _ownership_claims(members: dict[int, Party]) -> list[HomeClaim]:
    rows = await RegistrationParty.filter(
        party_id__in=list(members),
        role=RegistrationPartyRole.RIGHT_HOLDER,
        registration__kind__in=OWNERSHIP_KINDS,
        registration__right_status=RightStatus.IN_FORCE,
        registration__property__usage=PropertyUsage.RESIDENTIAL,
    ).values_list("party_id", "registration__property_id", "registration__completed_at")
    return [
        HomeClaim(prop, members[party].id_number, HomeBasis.REGISTERED_OWNERSHIP, since)
        for party, prop, since in rows
    ]


async def _filed_contract_claims(members: dict[int, Party], exclude_contract_id: int | None) -> list[HomeClaim]:
    query = ContractBuyer.filter(
        party_id__in=list(members),
        contract__status=ContractStatus.FILED,
        contract__property__usage=PropertyUsage.RESIDENTIAL,
    )
    if exclude_contract_id is not None:
        query = query.exclude(contract_id=exclude_contract_id)
    rows = await query.values_list("party_id", "contract_id", "contract__property_id", "contract__filed_at")
    if not rows:
        return []
    transferred = set(
        await Registration.filter(
            contract_id__in=[r[1] for r in rows],
            kind=RegistrationKind.TRANSFER,
            status=RegistrationStatus.COMPLETED,
        ).values_list("contract_id", flat=True)
    )
    return [
        HomeClaim(prop, members[party].id_number, HomeBasis.FILED_CONTRACT, filed_at)
        for party, contract, prop, filed_at in rows
        if contract not in transferred
    ]


async def contract_buyer_id_numbers_of_lender(lender_party_id: int) -> set[str]:
    rows = await ContractBuyer.filter(contract__lender_id=lender_party_id).values_list("party__id_number", flat=True)
    return set(rows)
