from __future__ import annotations

import strawberry

from domain.services.seizures import register_seizure
from resolvers.context import Info
from resolvers.inputs import RegisterSeizureInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class RegisterSeizureMutation:
    @signed_in_mutation(description="REGISTRAR registers a court's seizure (查封) at once")
    async def register_seizure(self, info: Info, input: RegisterSeizureInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: register_seizure(uc, pk, input.court, input.document_number, input.until),
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Property", input.property_id, ["input", "propertyId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
