from __future__ import annotations

import strawberry

from domain.services.review import withdraw_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import WithdrawRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class WithdrawRegistrationMutation:
    @signed_in_mutation(description="An applicant withdraws its application before the decision")
    async def withdraw_registration(self, info: Info, input: WithdrawRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: withdraw_registration(uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.reason),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
