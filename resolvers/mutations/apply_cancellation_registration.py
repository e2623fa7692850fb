from __future__ import annotations

import strawberry

from domain.services.cancellation import apply_cancellation_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ApplyCancellationRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyCancellationRegistrationMutation:
    @signed_in_mutation(description="注销登记 of a right in force: its holders and obligor apply and sign, or a REGISTRAR alone on a court document (decided at once)")
    async def apply_cancellation_registration(self, info: Info, input: ApplyCancellationRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: apply_cancellation_registration(uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.reason, input.court_document),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
