"""The append-only, hash-chained event log: the outbox every state change writes to (DESIGN §4).

Services record events in their unit of work (`UnitOfWork.record`); its strategy appends them
with the commit (`append`, or `pending_inserts` on PostgreSQL). Sequence numbers are handed out under
the single log-head row's lock, held until the transaction ends, so a later number can never
commit before an earlier one: readers that poll `seq > last_seen` miss nothing, and the hash
chain stays linear. A rolled-back transaction returns its number with it (no gaps). On
PostgreSQL the numbering happens while the transaction commits (a deferred trigger, migration
0005), so the lock is held for the commit alone; on SQLite `append` numbers the events itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from tortoise.backends.base.client import BaseDBAsyncClient

from domain import metrics_projection, sql
from domain.canonical import dumps_canonical, sha256_hex, to_jsonable
from domain.enums import EventType
from domain.models import Event, EventLogHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1


@dataclass(frozen=True)
class EventRefs:
    property_id: int | None = None
    contract_id: int | None = None
    registration_id: int | None = None
    tax_record_id: int | None = None
    mortgage_id: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {
            "propertyId": self.property_id,
            "contractId": self.contract_id,
            "registrationId": self.registration_id,
            "taxRecordId": self.tax_record_id,
            "mortgageId": self.mortgage_id,
        }


@dataclass(frozen=True)
class NewEvent:
    type: EventType
    refs: EventRefs
    payload: dict[str, Any]
    # Parties who may see the event besides those its references name.
    extra_audience: frozenset[int] = field(default_factory=frozenset)


def canonical_event(
    seq: int, event_type: EventType | str, occurred_at: datetime, refs: dict[str, int | None], payload: Any
) -> str:
    """The text an event's hash is taken over; `payload` is JSON-ready (`to_jsonable`, or as read back)."""
    return dumps_canonical(
        {
            "seq": seq,
            "type": EventType(event_type).value,
            "occurredAt": to_jsonable(occurred_at),
            "refs": refs,
            "payload": payload,
        }
    )


def chain_hash(previous_hash: str, canonical: str) -> str:
    return sha256_hex(previous_hash + canonical)


def event_refs(event: Event) -> dict[str, int | None]:
    return EventRefs(
        event.property_id, event.contract_id, event.registration_id, event.tax_record_id, event.mortgage_id
    ).as_dict()


_REF_COLUMNS = ("property_id", "contract_id", "registration_id", "tax_record_id", "mortgage_id")
_EVENT_COLUMNS = ("seq", "type", "occurred_at", *_REF_COLUMNS, "payload", "previous_hash", "hash")


def canonical_parts(
    event_type: EventType | str, occurred_at: datetime, refs: dict[str, int | None], payload: Any
) -> tuple[str, str]:
    """The canonical text around its sequence number: `head + str(seq) + tail` is
    `canonical_event(seq, …)`, so the database can chain an event it numbers itself."""
    text = canonical_event(0, event_type, occurred_at, refs, payload)
    # "seq" and "type" are the last two top-level keys (sorted); the payload comes before them.
    at = text.rindex(_SEQ_MARK)
    return text[:at] + '"seq":', text[at + len('"seq":0') :]


_SEQ_MARK = '"seq":0,"type":'


async def append(
    conn: BaseDBAsyncClient,
    occurred_at: datetime,
    events: Sequence[NewEvent],
    writes: Sequence[tuple[str, list[Any]]] = (),
) -> list[tuple[Any, ...]]:
    """Append events in order, inside the transaction `conn`, with `writes` (one statement on
    PostgreSQL for both); returns what the last `sql.Returning` of the writes returns. Only the
    unit of work's strategies call this (api/persistence): services `record` events.

    On PostgreSQL the events wait in `event_pending` and are numbered and chained by a
    deferred trigger while the transaction commits (migration 0005): the log head is locked
    only for the commit itself, never across a round trip to this process, so concurrent
    writers do not queue behind each other's network and event-loop delays. Numbers still
    follow commit order with no gaps. An event's audience is read when it is appended: the
    caller's `writes` in the same statement must not change who that is.
    """
    if not events:
        return await sql.execute_together(conn, list(writes))
    if sql.is_postgres(conn):
        return await sql.execute_together(conn, [*writes, *pending_inserts(occurred_at, events)])
    returned = await sql.execute(conn, list(writes))
    await _chain_now(conn, occurred_at, events)
    return returned


_PENDING_COLUMNS = ("type", "occurred_at", *_REF_COLUMNS, "payload", "canonical_head", "canonical_tail", "audience")
_EVENTS_PER_STATEMENT = 500


def pending_inserts(occurred_at: datetime, events: Sequence[NewEvent]) -> list[sql.Statement]:
    """PostgreSQL: the events as rows of `event_pending`, numbered and chained by the
    deferred trigger while the transaction commits (migration 0005)."""
    statements = []
    for start in range(0, len(events), _EVENTS_PER_STATEMENT):
        rows: list[str] = []
        values: list[Any] = []
        for new in events[start : start + _EVENTS_PER_STATEMENT]:
            payload = to_jsonable(new.payload)
            head, tail = canonical_parts(new.type, occurred_at, new.refs.as_dict(), payload)
            union = _audience_union(new.refs)
            audience = f"ARRAY({union[0]}) || ?::int[]" if union else "?::int[]"
            rows.append(f"({sql.marks(len(_PENDING_COLUMNS) - 1)}, {audience})")
            values += sql.db_row(
                Event,
                {
                    "type": new.type,
                    "occurred_at": occurred_at,
                    **{c: getattr(new.refs, c) for c in _REF_COLUMNS},
                    "payload": payload,
                },
            )
            values += [head, tail, *(union[1] if union else []), sorted(new.extra_audience)]
        statements.append(
            sql.Statement(f"INSERT INTO event_pending ({', '.join(_PENDING_COLUMNS)}) VALUES {', '.join(rows)}", values)
        )
    return statements + metrics_projection.writes(occurred_at, events)


async def _chain_now(conn: BaseDBAsyncClient, occurred_at: datetime, events: Sequence[NewEvent]) -> None:
    """SQLite: one writer at a time, so events are numbered and chained as they are appended."""
    [head] = await sql.fetch(conn, "SELECT last_seq, last_hash FROM event_log_head WHERE id = ?", [HEAD_ID], _Head)
    seq, previous = head.last_seq, head.last_hash
    audiences = {refs: await _audience(conn, refs) for refs in dict.fromkeys(e.refs for e in events)}
    event_rows: list[list[Any]] = []
    audience_rows: list[list[Any]] = []
    for new in events:
        seq += 1
        payload = to_jsonable(new.payload)
        refs = new.refs.as_dict()
        digest = chain_hash(previous, canonical_event(seq, new.type, occurred_at, refs, payload))
        event_rows.append(
            sql.db_row(
                Event,
                {
                    "seq": seq,
                    "type": new.type,
                    "occurred_at": occurred_at,
                    **{c: getattr(new.refs, c) for c in _REF_COLUMNS},
                    "payload": payload,
                    "previous_hash": previous,
                    "hash": digest,
                },
            )
        )
        audience_rows += [[seq, party] for party in sorted(audiences[new.refs] | new.extra_audience)]
        previous = digest
    await sql.execute(
        conn,
        [
            *sql.insert_rows("event", _EVENT_COLUMNS, event_rows),
            *sql.insert_rows("event_audience", ("event_id", "party_id"), audience_rows),
            sql.Statement(
                "UPDATE event_log_head SET last_seq = ?, last_hash = ? WHERE id = ?", [seq, previous, HEAD_ID]
            ),
            *metrics_projection.writes(occurred_at, events),
        ],
    )


class _Head(NamedTuple):
    last_seq: int
    last_hash: str


class _Party(NamedTuple):
    party_id: int | None


# Every party an event's references name (DESIGN §1), in one query.
_AUDIENCE_SQL = [
    ("SELECT pm.developer_id FROM property p JOIN permit pm ON pm.id = p.permit_id WHERE p.id = ?", "property_id"),
    ("SELECT seller_id FROM contract WHERE id = ?", "contract_id"),
    ("SELECT lender_id FROM contract WHERE id = ? AND lender_id IS NOT NULL", "contract_id"),
    ("SELECT party_id FROM contract_lender WHERE contract_id = ?", "contract_id"),
    ("SELECT party_id FROM contract_buyer WHERE contract_id = ?", "contract_id"),
    ("SELECT party_id FROM contract_seller WHERE contract_id = ?", "contract_id"),
    ("SELECT escrow_bank_id FROM contract WHERE id = ? AND escrow_bank_id IS NOT NULL", "contract_id"),
    ("SELECT party_id FROM registration_party WHERE registration_id = ?", "registration_id"),
    ("SELECT taxpayer_id FROM tax_record WHERE id = ?", "tax_record_id"),
    ("SELECT lender_id FROM mortgage WHERE id = ?", "mortgage_id"),
    ("SELECT party_id FROM mortgage_borrower WHERE mortgage_id = ?", "mortgage_id"),
]


def _audience_union(refs: EventRefs) -> tuple[str, list[int]] | None:
    parts = [(text, getattr(refs, ref)) for text, ref in _AUDIENCE_SQL if getattr(refs, ref) is not None]
    if not parts:
        return None
    return " UNION ".join(text for text, _ in parts), [value for _, value in parts]


async def _audience(conn: BaseDBAsyncClient, refs: EventRefs) -> set[int]:
    union = _audience_union(refs)
    if union is None:
        return set()
    return {row.party_id for row in await sql.fetch(conn, *union, _Party) if row.party_id is not None}


async def events_after(after_seq: int, limit: int, types: Iterable[EventType] | None = None) -> list[Event]:
    query = Event.filter(seq__gt=after_seq)
    if types:
        query = query.filter(type__in=list(types))
    return await query.order_by("seq").limit(limit)


async def last_seq() -> int:
    head = await EventLogHead.get(id=HEAD_ID)
    return int(head.last_seq)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str | None = None


async def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Walk the log from the start; name the first event whose link or hash is wrong."""
    expected_seq, previous, count = 1, GENESIS_HASH, 0
    while True:
        batch = await Event.filter(seq__gte=expected_seq).order_by("seq").limit(batch_size)
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return ChainReport(False, count, expected_seq, f"event {expected_seq} is missing (next is {event.seq})")
            if event.previous_hash != previous:
                return ChainReport(
                    False, count, event.seq, "previousHash does not match the hash of the event before it"
                )
            digest = chain_hash(
                previous, canonical_event(event.seq, event.type, event.occurred_at, event_refs(event), event.payload)
            )
            if digest != event.hash:
                return ChainReport(False, count, event.seq, "its content does not match its hash")
            previous, expected_seq, count = event.hash, expected_seq + 1, count + 1
    head = await EventLogHead.get(id=HEAD_ID)
    if head.last_seq != count or head.last_hash != previous:
        return ChainReport(
            False,
            count,
            count + 1 if head.last_seq > count else head.last_seq,
            f"the log head says {head.last_seq} events but the chain has {count}",
        )
    return ChainReport(True, count)
