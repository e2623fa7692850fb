from __future__ import annotations

import strawberry

from domain.services.cancellation import sign_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import SignRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class SignRegistrationMutation:
    @signed_in_mutation(description="An applicant (BUYER face, DEVELOPER ca) signs the application's documentHash; the last signature gets an instant decision")
    async def sign_registration(self, info: Info, input: SignRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: sign_registration(uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.document_hash),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
