"""查询留痕 (DESIGN §8): the records of who received a person's unmasked ID number or home count.

The resolvers note each delivery (resolvers/access_log.py) and call `record_reads` before
the result is sent. The records are a transaction of their own, committed before the
response leaves: a read the viewer received is never without its record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from tortoise.fields import CharField

from domain import sql
from domain.models import AccessRecord
from domain.unit_of_work import Database, UnitOfWork, installed
from domain.viewer import Viewer

SUBJECT_LENGTH = cast("CharField[str]", AccessRecord._meta.fields_map["viewer_subject"]).max_length


async def record_reads(
    viewer: Viewer, at: datetime, reads: Iterable[tuple[str, str]], request_id: str, database: Database | None = None
) -> int:
    """One record per (person's ID number, what was delivered); the number written."""
    rows = [
        {
            "at": at,
            "viewer_role": viewer.role,
            "viewer_subject": viewer.subject[:SUBJECT_LENGTH],
            "viewer_party": viewer.party_id_number,
            "person_id_number": person,
            "what": what,
            "request_id": request_id,
        }
        for person, what in reads
    ]
    if not rows:
        return 0
    async with UnitOfWork(database or installed(), at) as uow:
        # One statement text whatever the count: prepared once per connection on PostgreSQL,
        # and the inserts travel with BEGIN and COMMIT in one round trip.
        await uow.write(*(sql.insert(AccessRecord, row) for row in rows))
        await uow.commit()
    return len(rows)
