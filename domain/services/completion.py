"""What a removed obstacle completes (DESIGN §2 step 9, §7).

Everything that can remove the last obstacle to a transfer (a tax or fee payment, a seizure's
release or lapse, a cancelled objection, the first registration of the building) calls
`complete_ready` inside its own transaction, with the properties' rows locked: new homes'
advance notices convert to ownership, and resale transfers waiting for a payment complete.
"""

from __future__ import annotations

from domain import eventlog
from domain.models import Property
from domain.services.context import UseCase
from domain.services.ownership import convert_ready
from domain.services.transfer import complete_waiting_transfers
from domain.unit_of_work import UnitOfWork


async def complete_ready(uow: UnitOfWork, use_case: UseCase, props: list[Property]) -> list[eventlog.NewEvent]:
    """Complete every transfer on these properties that nothing blocks any more; returns the events."""
    return await convert_ready(uow, use_case, props) + await complete_waiting_transfers(uow, use_case, props)


async def complete_if_ready(uow: UnitOfWork, use_case: UseCase, prop: Property) -> list[eventlog.NewEvent]:
    return await complete_ready(uow, use_case, [prop])
