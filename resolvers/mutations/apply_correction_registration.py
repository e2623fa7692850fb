from __future__ import annotations

import strawberry

from domain.services.correction import apply_correction_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ApplyCorrectionRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyCorrectionRegistrationMutation:
    @signed_in_mutation(description="更正登记 of an ownership right in force (building area, address, a holder's name as shared data has it); a REGISTRAR decides")
    async def apply_correction_registration(self, info: Info, input: ApplyCorrectionRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: apply_correction_registration(
                uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]),
                [(c.field, c.value) for c in input.corrections], input.reason),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
