"""Parties: people and organisations as the platform knows them."""
from __future__ import annotations

from tortoise.exceptions import IntegrityError

from domain.enums import PartyKind
from domain.models import Party, SharedPersonRecord


async def person_parties_from_shared_records(id_numbers: list[str]) -> list[Party]:
    """The Party of each ID number, created from its shared record on first use.

    Numbers with neither a party nor a shared record are left out: the platform knows no
    name for them.
    """
    existing = {p.id_number: p for p in await Party.filter(id_number__in=id_numbers)}
    missing = [n for n in id_numbers if n not in existing]
    if missing:
        for record in await SharedPersonRecord.filter(id_number__in=missing):
            try:
                existing[record.id_number] = await Party.create(
                    kind=PartyKind.PERSON, id_number=record.id_number, name=record.name
                )
            except IntegrityError:  # created meanwhile by a concurrent request
                existing[record.id_number] = await Party.get(id_number=record.id_number)
    return [existing[n] for n in id_numbers if n in existing]
