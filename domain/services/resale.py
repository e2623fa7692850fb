"""What a resale (存量房买卖, DESIGN §7) reads about a registered home: the holders of the
ownership in force, with the share each holds, and a resale contract's sellers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from tortoise import connections

from domain import sql
from domain.enums import RegistrationKind, RegistrationPartyRole, RightStatus
from domain.models import ContractBuyer, Registration


@dataclass(frozen=True)
class Holder:
    party_id: int
    id_number: str
    name: str
    # The fraction held (按份共有) as the contract that brought it says; None when held jointly.
    share: Decimal | None
    registration_id: int  # the ownership right in force
    registered_at: datetime | None  # when that right was registered (completed)


_HOLDERS_SQL = """
SELECT rp.party_id, a.id_number, a.name, cb.share, r.id, r.completed_at
  FROM registration r
  JOIN registration_party rp ON rp.registration_id = r.id AND rp.role = ?
  JOIN party a ON a.id = rp.party_id
  LEFT JOIN contract_buyer cb ON cb.contract_id = r.contract_id AND cb.party_id = rp.party_id
 WHERE r.property_id = ? AND r.kind IN (?, ?) AND r.right_status = ?
 ORDER BY r.id, rp.position
"""


class _HolderRow(NamedTuple):
    party_id: int
    id_number: str
    name: str
    share: Any
    registration_id: int
    completed_at: Any


async def ownership_holders(conn: Any, property_id: int) -> list[Holder]:
    """The holders of the ownership right in force on the property, in the register's order
    (`conn`: the transaction's, or None outside one)."""
    rows = await sql.fetch(
        conn or connections.get("default"),
        _HOLDERS_SQL,
        [
            RegistrationPartyRole.RIGHT_HOLDER.value,
            property_id,
            RegistrationKind.FIRST_OWNERSHIP.value,
            RegistrationKind.TRANSFER.value,
            RightStatus.IN_FORCE.value,
        ],
        _HolderRow,
    )
    return [holder(r.party_id, r.id_number, r.name, r.share, r.registration_id, r.completed_at) for r in rows]


def holder(party_id: int, id_number: str, name: str, share: Any, registration_id: int, completed_at: Any) -> Holder:
    """A holder from a hand-written SELECT's raw columns, converted as Tortoise reads them."""
    return Holder(
        party_id,
        id_number,
        name,
        sql.model_from(ContractBuyer, share=share).share,
        registration_id,
        sql.model_from(Registration, completed_at=completed_at).completed_at,
    )


_UNCONSENTED_SQL = """
SELECT r.id FROM registration r LEFT JOIN mortgage m ON m.id = r.mortgage_id
 WHERE r.property_id = ? AND r.right_status = ? AND r.kind IN (?, ?)
   AND (r.kind = ? OR m.transfer_consent_contract_id IS NULL OR m.transfer_consent_contract_id <> ?)
"""


class _IdRow(NamedTuple):
    id: int


async def mortgages_without_consent(conn: Any, property_id: int, contract_id: int) -> int:
    """Mortgages in force on the home whose lender has not consented to this resale (带押过户);
    an advance mortgage (a new home's, before its transfer) never passes with a resale."""
    rows = await sql.fetch(
        conn or connections.get("default"),
        _UNCONSENTED_SQL,
        [
            property_id,
            RightStatus.IN_FORCE.value,
            RegistrationKind.MORTGAGE.value,
            RegistrationKind.ADVANCE_MORTGAGE.value,
            RegistrationKind.ADVANCE_MORTGAGE.value,
            contract_id,
        ],
        _IdRow,
    )
    return len(rows)
