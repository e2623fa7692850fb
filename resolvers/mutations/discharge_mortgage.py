from __future__ import annotations

import strawberry

from domain.services.mortgages import discharge_mortgage
from resolvers.context import Info
from resolvers.inputs import DischargeMortgageInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class DischargeMortgageMutation:
    @signed_in_mutation(description="The lender discharges its registered mortgage")
    async def discharge_mortgage(self, info: Info, input: DischargeMortgageInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            discharge_mortgage,
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Mortgage", input.mortgage_id, ["input", "mortgageId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
