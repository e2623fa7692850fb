from __future__ import annotations

import strawberry

from domain.services.mortgages import discharge_mortgage
from resolvers.types.registrations import Registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import DischargeMortgageInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class DischargeMortgageMutation:
    @signed_in_mutation(description="The lender discharges its registered mortgage")
    async def discharge_mortgage(self, info: Info, input: DischargeMortgageInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: discharge_mortgage(uc, pk_of(input.mortgage_id, "Mortgage", ["input", "mortgageId"])),
            lambda registration: SubmitRegistrationPayload(registration=Registration.from_row(registration)),
            info,
        )
