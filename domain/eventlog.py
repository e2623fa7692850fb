"""The append-only, hash-chained event log: the outbox every state change writes to (DESIGN §4).

`append` is called inside the service's transaction. It locks the single log-head row, so
sequence numbers are handed out one transaction at a time and a later number can never
commit before an earlier one: readers that poll `seq > last_seen` miss nothing, and the
hash chain stays linear. A rolled-back transaction returns its number with it (no gaps).
Services append last, so the lock is held only for the tail of their transaction.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from domain import sql
from domain.canonical import canonical_json, sha256_hex, to_jsonable
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
    seq: int, event_type: EventType | str, occurred_at: datetime, refs: dict, payload: Any
) -> str:
    return canonical_json(
        {
            "seq": seq,
            "type": EventType(event_type).value,
            "occurredAt": occurred_at,
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


_EVENT_COLUMNS = ("seq", "type", "occurred_at", "property_id", "contract_id", "registration_id",
                  "tax_record_id", "mortgage_id", "payload", "previous_hash", "hash")


@dataclass
class LockedHead:
    """The log head, locked by the caller's transaction until it ends, and what was read with it."""
    seq: int
    hash: str
    audiences: dict[EventRefs, set[int]]
    numbers: dict[str, list[int]]


async def append(conn: BaseDBAsyncClient, occurred_at: datetime, events: Sequence[NewEvent],
                 head: LockedHead | None = None, writes: Sequence[tuple[str, list]] = ()) -> list[Event]:
    """Append events in order, inside the caller's transaction `conn`.

    Every write path ends here, so it costs two statements on PostgreSQL whatever the number
    of events: one locks the head and reads the audiences (skipped when the caller passes the
    `head` it locked already), one writes events, audiences and head, together with the
    caller's own `writes` (which must not change who the audience is). The head stays locked
    until commit: the fewer round trips after locking it, the less every other writer waits.
    """
    if not events:
        await sql.execute_together(conn, list(writes))
        return []
    distinct_refs = list(dict.fromkeys(e.refs for e in events))
    if head is None:
        head = await lock_head(conn, distinct_refs)
    for refs in distinct_refs:
        if refs not in head.audiences:
            head.audiences[refs] = await _audience(conn, refs)
    seq, previous = head.seq, head.hash
    rows: list[Event] = []
    audience_rows: list[list] = []
    for new in events:
        seq += 1
        payload = to_jsonable(new.payload)
        refs = new.refs.as_dict()
        digest = chain_hash(previous, canonical_event(seq, new.type, occurred_at, refs, payload))
        row = Event(seq=seq, type=new.type, occurred_at=occurred_at, property_id=new.refs.property_id,
                    contract_id=new.refs.contract_id, registration_id=new.refs.registration_id,
                    tax_record_id=new.refs.tax_record_id, mortgage_id=new.refs.mortgage_id,
                    payload=payload, previous_hash=previous, hash=digest)
        rows.append(row)
        audience_rows += [[seq, party] for party in sorted(head.audiences[new.refs] | new.extra_audience)]
        previous = digest
    event_rows = [sql.db_row(Event, {column: getattr(row, column) for column in _EVENT_COLUMNS}) for row in rows]
    await sql.execute_together(conn, [
        *writes,
        *sql.insert_rows("event", _EVENT_COLUMNS, event_rows),
        *sql.insert_rows("event_audience", ("event_id", "party_id"), audience_rows),
        ("UPDATE event_log_head SET last_seq = ?, last_hash = ? WHERE id = ?", [seq, previous, HEAD_ID]),
    ])
    head.seq, head.hash = seq, previous
    return rows


_COUNTER_SQL = "UPDATE number_sequence SET value = value + ? WHERE name = ?"


async def lock_head(conn: BaseDBAsyncClient, refs: Sequence[EventRefs] = (), numbers: dict[str, int] | None = None) -> LockedHead:
    """Lock the log head; read the audiences of `refs` and take `numbers` (counter name: how
    many) with it, in one statement on PostgreSQL.

    Gapless counters are only ever advanced while holding the head (locked first, even within
    the statement), so the two kinds of hot rows never deadlock each other and a counter is
    never waited for on its own: the head's queue is the only queue.
    """
    numbers = {name: count for name, count in (numbers or {}).items() if count > 0}
    asked = [(r, union) for r in dict.fromkeys(refs) if (union := _audience_union(r)) is not None]
    audiences: dict[EventRefs, set[int]] = {r: set() for r in refs}
    taken: dict[str, list[int]] = {}
    if sql.is_postgres(conn):
        counters = "".join(f", n{i} AS ({_COUNTER_SQL} AND EXISTS (SELECT 1 FROM h) RETURNING value)" for i in range(len(numbers)))
        columns = ("".join(f", ARRAY({text})" for _, (text, _) in asked)
                   + "".join(f", (SELECT value FROM n{i})" for i in range(len(numbers))))
        values = [HEAD_ID, *(v for name, count in numbers.items() for v in (count, name)),
                  *(v for _, (_, union_values) in asked for v in union_values)]
        [head] = await sql.fetch(conn, f"WITH h AS (SELECT last_seq, last_hash FROM event_log_head WHERE id = ? FOR UPDATE)"
                                       f"{counters} SELECT h.last_seq, h.last_hash{columns} FROM h", values)
        for index, (r, _) in enumerate(asked, start=2):
            audiences[r] = {party for party in head[index] if party is not None}
        for index, (name, count) in enumerate(numbers.items(), start=2 + len(asked)):
            if head[index] is not None:
                taken[name] = list(range(head[index] - count + 1, head[index] + 1))
        seq, hash_ = head[0], head[1]
    else:  # SQLite: one writer at a time, nothing to lock
        for r, _ in asked:
            audiences[r] = await _audience(conn, r)
        [(seq, hash_)] = await sql.fetch(conn, "SELECT last_seq, last_hash FROM event_log_head WHERE id = ?", [HEAD_ID])
    for name, count in numbers.items():
        if name not in taken:  # SQLite, or the counter's first use (a new year or kind)
            taken[name] = await _advance_counter(conn, name, count)
    return LockedHead(seq, hash_, audiences, taken)


async def _advance_counter(conn: BaseDBAsyncClient, name: str, count: int) -> list[int]:
    advance = (_COUNTER_SQL + " RETURNING value", [count, name])
    rows = await sql.execute(conn, [advance])
    if not rows:
        rows = await sql.execute(conn, [("INSERT INTO number_sequence (name, value) VALUES (?, 0) ON CONFLICT DO NOTHING", [name]), advance])
    last = rows[0][0]
    return list(range(last - count + 1, last + 1))


# Every party an event's references name (DESIGN §1), in one query.
_AUDIENCE_SQL = [
    ("SELECT pm.developer_id FROM property p JOIN permit pm ON pm.id = p.permit_id WHERE p.id = ?", "property_id"),
    ("SELECT seller_id FROM contract WHERE id = ?", "contract_id"),
    ("SELECT lender_id FROM contract WHERE id = ? AND lender_id IS NOT NULL", "contract_id"),
    ("SELECT party_id FROM contract_buyer WHERE contract_id = ?", "contract_id"),
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
    return set() if union is None else {row[0] for row in await sql.fetch(conn, *union) if row[0] is not None}


async def events_after(
    after_seq: int, limit: int, types: Iterable[EventType] | None = None
) -> list[Event]:
    query = Event.filter(seq__gt=after_seq)
    if types:
        query = query.filter(type__in=list(types))
    return await query.order_by("seq").limit(limit)


async def last_seq() -> int:
    head = await EventLogHead.get(id=HEAD_ID)
    return head.last_seq


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
                return ChainReport(False, count, event.seq, "previousHash does not match the hash of the event before it")
            digest = chain_hash(
                previous, canonical_event(event.seq, event.type, event.occurred_at, event_refs(event), event.payload)
            )
            if digest != event.hash:
                return ChainReport(False, count, event.seq, "its content does not match its hash")
            previous, expected_seq, count = event.hash, expected_seq + 1, count + 1
    head = await EventLogHead.get(id=HEAD_ID)
    if head.last_seq != count or head.last_hash != previous:
        return ChainReport(False, count, count + 1 if head.last_seq > count else head.last_seq,
                           f"the log head says {head.last_seq} events but the chain has {count}")
    return ChainReport(True, count)
