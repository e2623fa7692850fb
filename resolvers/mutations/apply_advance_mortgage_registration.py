from __future__ import annotations

import strawberry

from domain.services.mortgages import apply_advance_mortgage
from resolvers.context import Info
from resolvers.inputs import ApplyAdvanceMortgageRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyAdvanceMortgageRegistrationMutation:
    @signed_in_mutation(
        description="The lender applies the advance mortgage (预告抵押) from its counter; decided at once"
    )
    async def apply_advance_mortgage_registration(
        self, info: Info, input: ApplyAdvanceMortgageRegistrationInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            apply_advance_mortgage,
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Mortgage", input.mortgage_id, ["input", "mortgageId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
