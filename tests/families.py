"""A family in the shared population data, and homes held by ownership, written directly."""

from __future__ import annotations

from domain.enums import (
    MaritalStatus,
    PartyKind,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
)
from domain.models import Party, Property, Registration, RegistrationParty, SharedPersonRecord
from resolvers.ids import from_global_id
from tests import factories, ids

HUSBAND = ids.resident_id("413021", "19800101", "111")
WIFE = ids.resident_id("413021", "19820202", "222")
MINOR = ids.resident_id("411528", "20150601", "333")
ADULT = ids.resident_id("411528", "20030101", "444")
EX_WIFE = ids.resident_id("413021", "19830303", "555")
NAMES = {HUSBAND: "王大", WIFE: "赵二", MINOR: "王小", ADULT: "王长", EX_WIFE: "孙前"}


async def family(
    husband_status: MaritalStatus = MaritalStatus.MARRIED, children: tuple[str, ...] = (MINOR, ADULT)
) -> None:
    spouse = WIFE if husband_status == MaritalStatus.MARRIED else None
    await SharedPersonRecord.create(
        id_number=HUSBAND,
        name=NAMES[HUSBAND],
        marital_status=husband_status,
        spouse_id_number=spouse,
        children_id_numbers=list(children),
        household_address="息县城关镇王庄",
    )
    await SharedPersonRecord.create(
        id_number=WIFE,
        name=NAMES[WIFE],
        marital_status=MaritalStatus.MARRIED,
        spouse_id_number=HUSBAND,
        children_id_numbers=list(children),
        household_address="息县城关镇王庄",
    )
    for child in (MINOR, ADULT, EX_WIFE):
        await SharedPersonRecord.create(id_number=child, name=NAMES[child], marital_status=MaritalStatus.SINGLE)


async def owned_home(holder_id_number: str, usage: str = "RESIDENTIAL", area: str = "90.00") -> Property:
    """A home registered (TRANSFER in force) to the holder."""
    holder = await Party.get_or_none(id_number=holder_id_number) or await Party.create(
        kind=PartyKind.PERSON, id_number=holder_id_number, name=NAMES.get(holder_id_number, "持有人")
    )
    prop = await Property.create(
        unit_code=factories.unit_code(90000 + await Property.all().count()),
        address="息县老城路",
        building="9",
        floor=1,
        room="1",
        building_area=area,
        usage=usage,
        status="REGISTERED",
    )
    registration = await Registration.create(
        kind=RegistrationKind.TRANSFER,
        status=RegistrationStatus.COMPLETED,
        right_status=RightStatus.IN_FORCE,
        property=prop,
        completed_at=factories.NOW,
    )
    await RegistrationParty.create(registration=registration, party=holder, role=RegistrationPartyRole.RIGHT_HOLDER)
    return prop


def pk(global_id: str) -> int:
    return from_global_id(global_id)[1]
