"""registerOrganization: a developer, bank or provident fund centre joins the platform."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from domain import eventlog
from domain.clock import Clock
from domain.enums import EventType, LicenceStatus, PartyKind, Role
from domain.errors import DomainError, violates_unique
from domain.models import Party, SharedOrganizationRecord
from domain.rules import identity
from domain.unit_of_work import UnitOfWork, installed
from domain.viewer import Viewer

MAY_REGISTER = frozenset({Role.REGISTRAR, Role.HOUSING})


async def register_organization(viewer: Viewer, clock: Clock, name: str, id_number: str) -> Party:
    if viewer.role not in MAY_REGISTER:
        raise DomainError("FORBIDDEN", "only the registration centre or the housing bureau registers organisations")
    name = name.strip()
    if not name:
        raise DomainError("INVALID_INPUT", "the name must not be empty", ["input", "name"])
    code = identity.credit_code(id_number, ["input", "idNumber"])
    record = await SharedOrganizationRecord.get_or_none(id_number=code)
    if record is not None and record.licence_status == LicenceStatus.REVOKED:
        raise DomainError("INVALID_STATE", "this organisation's business licence is revoked", ["input", "idNumber"])

    def duplicate() -> DomainError:
        return DomainError("DUPLICATE", f"credit code {code} is registered already", ["input", "idNumber"])

    if await Party.filter(id_number=code).exists():
        raise duplicate()
    try:
        async with UnitOfWork(installed(), clock.now()) as uow:
            values = {"kind": PartyKind.ORGANIZATION, "id_number": code, "name": name, "created_at": clock.now()}
            party = Party(**values)
            party.id = await uow.insert(Party, values)
            payload = {"partyId": party.id, "idNumber": party.id_number, "name": party.name, "by": viewer.subject}
            await uow.record(
                eventlog.NewEvent(
                    EventType.ORGANIZATION_REGISTERED, eventlog.EventRefs(), payload, frozenset({party.id})
                )
            )
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "party", "id_number"):  # a concurrent request registered the same code first
            raise duplicate() from exc
        raise
    return party
