from __future__ import annotations

import strawberry

from domain.services.seizures import register_seizure
from resolvers.types.registrations import Registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RegisterSeizureInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class RegisterSeizureMutation:
    @signed_in_mutation(description="REGISTRAR registers a court's seizure (查封) at once")
    async def register_seizure(self, info: Info, input: RegisterSeizureInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: register_seizure(uc, pk_of(input.property_id, "Property", ["input", "propertyId"]), input.court, input.document_number, input.until),
            lambda registration: SubmitRegistrationPayload(registration=Registration.from_row(registration)),
            info,
        )
