from __future__ import annotations

import strawberry

from domain.services.mortgages import apply_mortgage_registration
from resolvers.context import Info
from resolvers.inputs import ApplyMortgageRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyMortgageRegistrationMutation:
    @signed_in_mutation(
        description="The lender applies the mortgage (抵押权登记) of a registered home once every borrower has "
        "signed; decided at once: COMPLETED and IN_FORCE with a REGISTRATION_PROOF, ranking after the mortgages "
        "in force"
    )
    async def apply_mortgage_registration(
        self, info: Info, input: ApplyMortgageRegistrationInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            apply_mortgage_registration,
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Mortgage", input.mortgage_id, ["input", "mortgageId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
