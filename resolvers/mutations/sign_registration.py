from __future__ import annotations

import strawberry

from domain.services.cancellation import sign_registration
from resolvers.context import Info
from resolvers.inputs import SignRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class SignRegistrationMutation:
    @signed_in_mutation(
        description=(
            "An applicant (BUYER face, DEVELOPER ca) signs a cancellation's or a resale transfer's documentHash;"
            " the last signature gets an instant decision"
        )
    )
    async def sign_registration(self, info: Info, input: SignRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: sign_registration(uc, pk, input.document_hash),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
