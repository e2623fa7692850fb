"""What a removed obstacle completes (DESIGN §2 step 9, §7).

Everything that can remove the last obstacle to a registration (a tax or fee payment, a
seizure's release or lapse, a cancelled objection, the first registration of the building) calls
`complete_ready` inside its own transaction, with the properties' rows locked: developers' first
registrations whose fee is paid complete, new homes' advance notices convert to ownership (and
their advance mortgages to mortgages), resale transfers waiting for a payment complete, and
mortgages of registered homes waiting for their fee register.
"""

from __future__ import annotations

from domain import eventlog
from domain.models import Property
from domain.services.context import UseCase
from domain.services.mortgages import complete_waiting_mortgages
from domain.services.ownership import complete_first_ownerships, convert_ready
from domain.services.transfer import complete_waiting_transfers
from domain.unit_of_work import UnitOfWork


async def complete_ready(uow: UnitOfWork, use_case: UseCase, props: list[Property]) -> list[eventlog.NewEvent]:
    """Complete every registration on these properties that nothing blocks any more; returns the
    events. In this order: each step may make the next one ready (the developer's ownership,
    then the buyers' transfer, then the mortgages on the buyers' home)."""
    return (
        await complete_first_ownerships(uow, use_case, props)
        + await convert_ready(uow, use_case, props)
        + await complete_waiting_transfers(uow, use_case, props)
        + await complete_waiting_mortgages(uow, use_case, props)
    )


async def complete_if_ready(uow: UnitOfWork, use_case: UseCase, prop: Property) -> list[eventlog.NewEvent]:
    return await complete_ready(uow, use_case, [prop])
