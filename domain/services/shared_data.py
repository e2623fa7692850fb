"""Loading the big-data platform's records into the platform's own tables.

A `SharedDataSource` yields numbered lines; today a JSON Lines file, later perhaps a live
feed over HTTP. Loading is an upsert keyed by ID number, so the same input twice gives the
same state, and a newer record (later in the input, or in a later load) replaces an older one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from domain import sql
from domain.clock import Clock, SystemClock
from domain.models import SharedOrganizationRecord, SharedPersonRecord
from domain.rules.shared_records import OrganizationRecord, PersonRecord, RecordRejected, parse
from domain.unit_of_work import UnitOfWork, installed

BATCH_SIZE = 5000
PERSON_FIELDS = ["name", "marital_status", "spouse_id_number", "children_id_numbers", "household_address", "updated_at"]
ORGANIZATION_FIELDS = ["name", "licence_status", "updated_at"]


class SharedDataSource(Protocol):
    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number from 1, text) for every record, in the order the platform published them."""


@dataclass(frozen=True)
class JsonLinesFile:
    path: Path

    def lines(self) -> Iterator[tuple[int, str]]:
        with self.path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    yield number, text

    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class ImportReport:
    people: int = 0
    organizations: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.people + self.organizations


Progress = Callable[[int], None]


async def import_shared_data(
    source: SharedDataSource, progress: Progress | None = None, batch_size: int = BATCH_SIZE, clock: Clock | None = None
) -> ImportReport:
    clock = clock or SystemClock()
    report = ImportReport()
    people: dict[str, PersonRecord] = {}
    organizations: dict[str, OrganizationRecord] = {}
    read = 0
    for number, text in source.lines():
        read += 1
        try:
            record = parse(text)
        except RecordRejected as rejected:
            report.rejected.append((number, rejected.reason))
            continue
        # A later line for the same ID number replaces the earlier one.
        if isinstance(record, PersonRecord):
            people.pop(record.id_number, None)
            people[record.id_number] = record
        else:
            organizations.pop(record.id_number, None)
            organizations[record.id_number] = record
        if len(people) + len(organizations) >= batch_size:
            await _write(people, organizations, report, clock)
            if progress:
                progress(read)
    await _write(people, organizations, report, clock)
    if progress:
        progress(read)
    return report


def _upserts(
    model: type[SharedPersonRecord] | type[SharedOrganizationRecord], rows: list[dict[str, object]], updated: list[str]
) -> list[sql.Statement]:
    """INSERT … ON CONFLICT (id_number) DO UPDATE: a newer record replaces the stored one."""
    assignments = ", ".join(f"{name} = excluded.{name}" for name in updated)
    return [
        sql.Statement(f"{text} ON CONFLICT (id_number) DO UPDATE SET {assignments}", values)
        for text, values in sql.insert_many(model, rows)
    ]


async def _write(
    people: dict[str, PersonRecord], organizations: dict[str, OrganizationRecord], report: ImportReport, clock: Clock
) -> None:
    now = clock.now()
    async with UnitOfWork(installed(), now) as uow:
        await uow.write(
            *_upserts(
                SharedPersonRecord,
                [
                    {
                        "id_number": p.id_number,
                        "name": p.name,
                        "marital_status": p.marital_status,
                        "spouse_id_number": p.spouse_id_number,
                        "children_id_numbers": list(p.children_id_numbers),
                        "household_address": p.household_address,
                        "updated_at": now,
                    }
                    for p in people.values()
                ],
                PERSON_FIELDS,
            )
        )
        await uow.write(
            *_upserts(
                SharedOrganizationRecord,
                [
                    {"id_number": o.id_number, "name": o.name, "licence_status": o.licence_status, "updated_at": now}
                    for o in organizations.values()
                ],
                ORGANIZATION_FIELDS,
            )
        )
        await uow.commit()
    report.people += len(people)
    report.organizations += len(organizations)
    people.clear()
    organizations.clear()
