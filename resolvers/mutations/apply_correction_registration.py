from __future__ import annotations

import strawberry

from domain.services.correction import apply_correction_registration
from resolvers.context import Info
from resolvers.inputs import ApplyCorrectionRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyCorrectionRegistrationMutation:
    @signed_in_mutation(
        description=(
            "更正登记 of an ownership right in force (building area, address, a holder's name as "
            "shared data has it); a REGISTRAR decides"
        )
    )
    async def apply_correction_registration(
        self, info: Info, input: ApplyCorrectionRegistrationInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: apply_correction_registration(
                uc, pk, [(c.field, c.value) for c in input.corrections], input.reason
            ),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
