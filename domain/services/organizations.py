"""registerOrganization: a developer, bank or provident fund centre joins the platform."""
from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import eventlog
from domain.clock import Clock
from domain.enums import EventType, LicenceStatus, PartyKind, Role
from domain.errors import DomainError
from domain.models import Party, SharedOrganizationRecord
from domain.rules import identity
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
    duplicate = DomainError("DUPLICATE", f"credit code {code} is registered already", ["input", "idNumber"])
    if await Party.filter(id_number=code).exists():
        raise duplicate
    try:
        async with in_transaction() as conn:
            party = await Party.create(kind=PartyKind.ORGANIZATION, id_number=code, name=name, using_db=conn)
            await _log_registration(conn, clock, viewer, party)
    except IntegrityError as exc:  # a concurrent request registered the same code first
        raise duplicate from exc
    return party


async def _log_registration(conn, clock: Clock, viewer: Viewer, party: Party) -> None:
    payload = {"partyId": party.id, "idNumber": party.id_number, "name": party.name, "by": viewer.subject}
    event = eventlog.NewEvent(EventType.ORGANIZATION_REGISTERED, eventlog.EventRefs(), payload, frozenset({party.id}))
    await eventlog.append(conn, clock.now(), [event])
