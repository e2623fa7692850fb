from __future__ import annotations

import strawberry

from domain.services.review import withdraw_registration
from resolvers.context import Info
from resolvers.inputs import WithdrawRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class WithdrawRegistrationMutation:
    @signed_in_mutation(description="An applicant withdraws its application before the decision")
    async def withdraw_registration(self, info: Info, input: WithdrawRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: withdraw_registration(uc, pk, input.reason),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
