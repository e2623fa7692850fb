"""Rows written straight through the models, for tests of reading before the mutations exist."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tortoise.transactions import in_transaction

from domain import eventlog
from domain import models as m
from domain.enums import (
    ContractStatus,
    EventType,
    PartyKind,
    PaymentMethod,
    PropertyUsage,
    SaleType,
)
from tests import ids

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def organization(id_number: str, name: str) -> m.Party:
    return await m.Party.create(kind=PartyKind.ORGANIZATION, id_number=id_number, name=name)


async def person(id_number: str, name: str) -> m.Party:
    return await m.Party.create(kind=PartyKind.PERSON, id_number=id_number, name=name)


def unit_code(n: int) -> str:
    return f"411528001001GB00001F{n:08d}"


async def permit(number: str, developer: m.Party, bank: m.Party, units: int = 2) -> tuple[m.Permit, list[m.Property]]:
    permit_row = await m.Permit.create(
        number=number,
        developer=developer,
        project_name=f"Project {number}",
        sale_type=SaleType.PRESALE,
        supervised_account="6217000000000001",
        supervising_bank=bank,
    )
    base = (await m.Property.all().count()) + 1
    properties = [
        await m.Property.create(
            unit_code=unit_code(base + i),
            address=f"息县 Xinyuan Road {base + i}",
            building="1",
            floor=1 + i,
            room=f"{101 + i}",
            building_area=Decimal("89.50"),
            usage=PropertyUsage.RESIDENTIAL,
            permit=permit_row,
        )
        for i in range(units)
    ]
    return permit_row, properties


async def contract(
    prop: m.Property,
    seller: m.Party,
    buyers: list[m.Party],
    lender: m.Party | None = None,
    status: ContractStatus = ContractStatus.DRAFT,
    number: str | None = None,
) -> m.Contract:
    row = await m.Contract.create(
        property=prop,
        seller=seller,
        lender=lender,
        price=Decimal("1000000.00"),
        down_payment=Decimal("300000.00"),
        payment_method=PaymentMethod.COMMERCIAL_LOAN if lender else PaymentMethod.FULL_PAYMENT,
        delivery_with_certificate=True,
        status=status,
        document_hash="0" * 64,
        number=number,
        filed_property_id=prop.id if status == ContractStatus.FILED else None,
        filed_at=NOW if status == ContractStatus.FILED else None,
    )
    for position, buyer in enumerate(buyers):
        await m.ContractBuyer.create(contract=row, party=buyer, position=position)
    return row


async def log_event(event_type: EventType, refs: eventlog.EventRefs, payload: dict) -> m.Event:
    async with in_transaction() as conn:
        await eventlog.append(conn, NOW, [eventlog.NewEvent(event_type, refs, payload)])
    # Numbered as it commits (on PostgreSQL): read back what the log holds now.
    return await m.Event.all().order_by("-seq").first()


class World:
    """Two developers, two banks and two buyers, each with a contract on its own permit."""

    async def build(self) -> World:
        self.developer = await organization(ids.DEVELOPER, "Xinyuan Real Estate")
        self.other_developer = await organization(ids.OTHER_DEVELOPER, "Huaihe Homes")
        self.bank = await organization(ids.BANK, "Xixian Rural Bank")
        self.other_bank = await organization(ids.OTHER_BANK, "Huaihe Bank")
        self.buyer = await person(ids.ZHANG_SAN, "张三")
        self.other_buyer = await person(ids.LI_SI, "李四")
        self.permit, self.properties = await permit("XY-2026-001", self.developer, self.bank)
        self.other_permit, self.other_properties = await permit("HH-2026-001", self.other_developer, self.other_bank)
        self.contract = await contract(
            self.properties[0], self.developer, [self.buyer], self.bank, ContractStatus.FILED, "411528-2026-0000001"
        )
        self.other_contract = await contract(
            self.other_properties[0],
            self.other_developer,
            [self.other_buyer],
            self.other_bank,
            ContractStatus.FILED,
            "411528-2026-0000002",
        )
        self.event = await log_event(
            EventType.CONTRACT_FILED,
            eventlog.EventRefs(property_id=self.properties[0].id, contract_id=self.contract.id),
            {"number": self.contract.number},
        )
        self.other_event = await log_event(
            EventType.CONTRACT_FILED,
            eventlog.EventRefs(property_id=self.other_properties[0].id, contract_id=self.other_contract.id),
            {"number": self.other_contract.number},
        )
        return self
