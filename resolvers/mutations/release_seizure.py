from __future__ import annotations

import strawberry

from domain.services.seizures import release_seizure
from resolvers.context import Info
from resolvers.inputs import ReleaseSeizureInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ReleaseSeizureMutation:
    @signed_in_mutation(description="REGISTRAR releases a seizure on the court's document")
    async def release_seizure(self, info: Info, input: ReleaseSeizureInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: release_seizure(uc, pk, input.document_number),
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
