from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from domain import models as m
from domain.masking import mask_id_number
from domain.rules.identity import is_resident_id
from resolvers.context import Info
from resolvers.enums import EventType
from resolvers.ids import encode_cursor, to_global_id
from resolvers.types.contracts import Contract
from resolvers.types.mortgages import Mortgage
from resolvers.types.node import Node
from resolvers.types.permits import Property
from resolvers.types.registrations import Registration
from resolvers.types.registry import from_row_of
from resolvers.types.tax import TaxRecord


@from_row_of(m.Event)
@strawberry.type(description="One entry of the append-only, hash-chained event log")
class Event(Node):
    seq: strawberry.Private[int]
    property_id: strawberry.Private[int | None]
    contract_id: strawberry.Private[int | None]
    registration_id: strawberry.Private[int | None]
    tax_record_id: strawberry.Private[int | None]
    mortgage_id: strawberry.Private[int | None]
    cursor: str = strawberry.field(description="Opaque and increasing in log order; pass it as `after` to resume")
    type: EventType
    occurred_at: datetime.datetime
    raw_payload: strawberry.Private[dict]
    hash: str = strawberry.field(description="SHA-256 hex over previousHash and the canonical event")
    previous_hash: str

    @classmethod
    def from_row(cls, row: m.Event) -> Event:
        return cls(
            id=to_global_id("Event", row.seq),
            seq=row.seq,
            property_id=row.property_id,
            contract_id=row.contract_id,
            registration_id=row.registration_id,
            tax_record_id=row.tax_record_id,
            mortgage_id=row.mortgage_id,
            cursor=encode_cursor(row.seq),
            type=row.type,
            occurred_at=row.occurred_at,
            raw_payload=row.payload,
            hash=row.hash,
            previous_hash=row.previous_hash,
        )

    @strawberry.field(
        description="Snapshot of the facts at the time of the event; a person's ID number in it "
        "is masked as `Party.idNumber` would be"
    )
    async def payload(self, info: Info) -> JSON:
        return await _as_seen(info, self.raw_payload)

    @strawberry.field
    async def property(self, info: Info) -> Property | None:
        row = await info.context.loaders.property.load(self.property_id) if self.property_id else None
        return Property.from_row(row) if row else None

    @strawberry.field
    async def contract(self, info: Info) -> Contract | None:
        row = await info.context.loaders.contract.load(self.contract_id) if self.contract_id else None
        return Contract.from_row(row) if row else None

    @strawberry.field
    async def registration(self, info: Info) -> Registration | None:
        row = await info.context.loaders.registration.load(self.registration_id) if self.registration_id else None
        return Registration.from_row(row) if row else None

    @strawberry.field
    async def tax_record(self, info: Info) -> TaxRecord | None:
        row = await info.context.loaders.tax_record.load(self.tax_record_id) if self.tax_record_id else None
        return TaxRecord.from_row(row) if row else None

    @strawberry.field
    async def mortgage(self, info: Info) -> Mortgage | None:
        row = await info.context.loaders.mortgage.load(self.mortgage_id) if self.mortgage_id else None
        return Mortgage.from_row(row) if row else None


def _resident_ids(value) -> set[str]:
    if isinstance(value, str):
        return {value} if len(value) == 18 and is_resident_id(value) else set()
    if isinstance(value, dict):
        return set().union(*map(_resident_ids, value.values()))
    if isinstance(value, list):
        return set().union(*map(_resident_ids, value))
    return set()


def _replaced(value, masks: dict[str, str]):
    if isinstance(value, str):
        return masks.get(value, value)
    if isinstance(value, dict):
        return {k: _replaced(v, masks) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, masks) for v in value]
    return value


async def _as_seen(info: Info, payload: dict) -> dict:
    """The payload with each person's ID number as the viewer may read it; an unmasked one
    delivered is recorded (查询留痕) like `Party.idNumber`."""
    numbers = _resident_ids(payload)
    if not numbers:
        return payload
    loaders = info.context.loaders
    numbers = sorted(numbers)
    parties = await loaders.party_by_id_number.load_many(numbers)
    known = [p for p in parties if p is not None]
    unmasked = {
        p.id_number
        for p, shown in zip(known, await loaders.unmasked_person.load_many([p.id for p in known]), strict=True)
        if shown
    }
    masks: dict[str, str] = {}
    for number in numbers:
        if number in unmasked:
            loaders.access_log.note(number, "Event.payload")
        else:
            masks[number] = mask_id_number(number)
    return _replaced(payload, masks) if masks else payload
