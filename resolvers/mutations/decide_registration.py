from __future__ import annotations

import strawberry

from domain.services.review import decide_registration
from resolvers.context import Info
from resolvers.inputs import DecideRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class DecideRegistrationMutation:
    @signed_in_mutation(
        description=(
            "REGISTRAR decides an application IN_REVIEW, with its reason: approve completes it, else it is REJECTED"
        )
    )
    async def decide_registration(self, info: Info, input: DecideRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: decide_registration(uc, pk, input.approve, input.reason),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
