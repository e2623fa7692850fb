from __future__ import annotations

import strawberry

from domain.services.cancellation import apply_cancellation_registration
from resolvers.context import Info
from resolvers.inputs import ApplyCancellationRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyCancellationRegistrationMutation:
    @signed_in_mutation(
        description=(
            "注销登记 of a right in force: its holders and obligor apply and sign, or a REGISTRAR "
            "alone on a court document (decided at once)"
        )
    )
    async def apply_cancellation_registration(
        self, info: Info, input: ApplyCancellationRegistrationInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: apply_cancellation_registration(uc, pk, input.reason, input.court_document),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
