from __future__ import annotations

import strawberry

from domain.services.mortgages import apply_advance_mortgage
from resolvers.types.registrations import Registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ApplyAdvanceMortgageRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class ApplyAdvanceMortgageRegistrationMutation:
    @signed_in_mutation(description="The lender applies the advance mortgage (预告抵押) from its counter; decided at once")
    async def apply_advance_mortgage_registration(self, info: Info, input: ApplyAdvanceMortgageRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: apply_advance_mortgage(uc, pk_of(input.mortgage_id, "Mortgage", ["input", "mortgageId"])),
            lambda registration: SubmitRegistrationPayload(registration=Registration.from_row(registration)),
            info,
        )
