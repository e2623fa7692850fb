"""Parties: people and organisations as the platform knows them."""

from __future__ import annotations

from datetime import datetime

from domain import sql
from domain.enums import PartyKind
from domain.models import Party, SharedPersonRecord
from domain.unit_of_work import UnitOfWork, installed


async def person_parties_from_shared_records(id_numbers: list[str], now: datetime) -> list[Party]:
    """The Party of each ID number, created from its shared record on first use.

    Numbers with neither a party nor a shared record are left out: the platform knows no
    name for them.
    """
    existing = {p.id_number: p for p in await Party.filter(id_number__in=id_numbers)}
    missing = [n for n in id_numbers if n not in existing]
    records = await SharedPersonRecord.filter(id_number__in=missing) if missing else []
    if records:
        columns = sql.columns_of(Party)
        [(text, values)] = sql.insert_many(
            Party,
            [{"kind": PartyKind.PERSON, "id_number": r.id_number, "name": r.name, "created_at": now} for r in records],
        )
        async with UnitOfWork(installed(), now) as uow:
            # Created meanwhile by a concurrent request: the stored party is returned as it is.
            await uow.write(
                sql.Returning(
                    f"{text} ON CONFLICT (id_number) DO UPDATE SET id_number = excluded.id_number"
                    f" RETURNING {', '.join(columns)}",
                    values,
                )
            )
            created = await uow.commit()
        for row in created:
            party = sql.read(Party, columns, row)
            existing[party.id_number] = party
    return [existing[n] for n in id_numbers if n in existing]
