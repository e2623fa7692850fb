"""issuePresalePermit: the housing bureau permits a developer to sell its units (DESIGN §2 step 1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from domain import eventlog, sql
from domain.enums import (
    EventType,
    LicenceStatus,
    PartyKind,
    PermitStatus,
    PropertyStatus,
    PropertyUsage,
    Role,
    SaleType,
)
from domain.errors import DomainError, violates_unique
from domain.models import Party, Permit, Property, SharedOrganizationRecord
from domain.rules import identity, validation
from domain.services.context import UseCase


@dataclass(frozen=True)
class PropertySpec:
    unit_code: str
    address: str
    building: str
    floor: int
    room: str
    building_area: Decimal
    usage: PropertyUsage


@dataclass(frozen=True)
class PermitSpec:
    number: str
    developer_id_number: str
    project_name: str
    sale_type: SaleType
    supervised_account: str
    supervising_bank_id_number: str
    properties: list[PropertySpec]


async def registered_organization(id_number: str, field: list[str], what: str) -> Party:
    """The registered organisation with this credit code, whose licence is not revoked."""
    code = identity.credit_code(id_number, field)
    party = await Party.get_or_none(id_number=code, kind=PartyKind.ORGANIZATION)
    if party is None:
        raise DomainError("NOT_FOUND", f"no {what} with credit code {code} is registered on the platform", field)
    record = await SharedOrganizationRecord.get_or_none(id_number=code)
    if record is not None and record.licence_status == LicenceStatus.REVOKED:
        raise DomainError("INVALID_STATE", f"the {what}'s business licence is revoked", field)
    return party


def _validated_properties(specs: list[PropertySpec], county_code: str) -> list[PropertySpec]:
    validation.at_least_one(specs, ["input", "properties"], "property")
    checked = []
    for i, spec in enumerate(specs):

        def field(name: str, i: int = i) -> list[str]:
            return ["input", "properties", str(i), name]

        checked.append(
            PropertySpec(
                unit_code=validation.unit_code(spec.unit_code, county_code, field("unitCode")),
                address=validation.required_text(spec.address, field("address"), 500),
                building=validation.required_text(spec.building, field("building"), 64),
                floor=spec.floor,
                room=validation.required_text(spec.room, field("room"), 64),
                building_area=validation.area(spec.building_area, field("buildingArea")),
                usage=spec.usage,
            )
        )
    repeat = validation.first_repeat([p.unit_code for p in checked])
    if repeat is not None:
        raise DomainError(
            "DUPLICATE", "this unit code is listed twice", ["input", "properties", str(repeat), "unitCode"]
        )
    return checked


async def issue_presale_permit(use_case: UseCase, spec: PermitSpec) -> Permit:
    use_case.require_role(Role.HOUSING, action="issue pre-sale permits")
    number = validation.required_text(spec.number, ["input", "number"], 64)
    project = validation.required_text(spec.project_name, ["input", "projectName"])
    account = validation.required_text(spec.supervised_account, ["input", "supervisedAccount"], 64)
    developer = await registered_organization(spec.developer_id_number, ["input", "developerIdNumber"], "developer")
    bank = await registered_organization(spec.supervising_bank_id_number, ["input", "supervisingBankIdNumber"], "bank")
    properties = _validated_properties(spec.properties, use_case.policy.county_code)
    if await Permit.filter(number=number).exists():
        raise DomainError("DUPLICATE", f"permit {number} exists already", ["input", "number"])
    taken: set[str] = set(
        await Property.filter(unit_code__in=[p.unit_code for p in properties]).values_list("unit_code", flat=True)  # type: ignore[arg-type]  # a flat list
    )
    for i, p in enumerate(properties):
        if p.unit_code in taken:
            raise DomainError(
                "DUPLICATE", f"unit {p.unit_code} is registered already", ["input", "properties", str(i), "unitCode"]
            )
    try:
        async with use_case.unit_of_work() as uow:
            values = {
                "number": number,
                "developer_id": developer.id,
                "project_name": project,
                "sale_type": spec.sale_type,
                "supervised_account": account,
                "supervising_bank_id": bank.id,
                "status": PermitStatus.VALID,
                "issued_at": use_case.now(),
            }
            permit = Permit(**values)
            permit.id = await uow.insert(Permit, values)
            await uow.write(
                *sql.insert_many(
                    Property,
                    [
                        {
                            "permit_id": permit.id,
                            **vars(p),
                            "status": PropertyStatus.AVAILABLE,
                            "created_at": use_case.now(),
                        }
                        for p in properties
                    ],
                )
            )
            payload = {
                "permitId": permit.id,
                "number": number,
                "developer": developer.id_number,
                "supervisingBank": bank.id_number,
                "saleType": spec.sale_type,
                "units": [p.unit_code for p in properties],
            }
            event = eventlog.NewEvent(
                EventType.PERMIT_ISSUED, eventlog.EventRefs(), payload, frozenset({developer.id, bank.id})
            )
            await uow.record(event)
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "permit", "number") or violates_unique(exc, "property", "unit_code"):
            # a concurrent request took the number or a unit first
            raise DomainError(
                "DUPLICATE", "the permit number or a unit code was registered meanwhile", ["input", "number"]
            ) from exc
        raise
    return permit
