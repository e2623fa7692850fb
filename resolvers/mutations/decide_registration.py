from __future__ import annotations

import strawberry

from domain.services.review import decide_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import DecideRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class DecideRegistrationMutation:
    @signed_in_mutation(description="REGISTRAR decides an application IN_REVIEW, with its reason: approve completes it, else it is REJECTED")
    async def decide_registration(self, info: Info, input: DecideRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: decide_registration(uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.approve, input.reason),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
