from __future__ import annotations

import strawberry

from domain.services.advance_notice import submit_advance_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import SubmitAdvanceRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class SubmitAdvanceRegistrationMutation:
    @signed_in_mutation(description="A buyer answers the inquiry and signs; the last signature gets an instant decision")
    async def submit_advance_registration(self, info: Info, input: SubmitAdvanceRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: submit_advance_registration(
                uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.accept_delivery_with_certificate
            ),
            lambda registration: SubmitRegistrationPayload(registration=Registration.from_row(registration)),
            info,
        )
