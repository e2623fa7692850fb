from __future__ import annotations

import strawberry

from domain.services.advance_notice import submit_advance_registration
from resolvers.context import Info
from resolvers.inputs import SubmitAdvanceRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class SubmitAdvanceRegistrationMutation:
    @signed_in_mutation(
        description="A buyer answers the inquiry and signs; the last signature gets an instant decision"
    )
    async def submit_advance_registration(
        self, info: Info, input: SubmitAdvanceRegistrationInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: submit_advance_registration(uc, pk, input.accept_delivery_with_certificate),
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
