from __future__ import annotations

import strawberry

from domain.services.seizures import release_seizure
from resolvers.types.registrations import Registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ReleaseSeizureInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class ReleaseSeizureMutation:
    @signed_in_mutation(description="REGISTRAR releases a seizure on the court's document")
    async def release_seizure(self, info: Info, input: ReleaseSeizureInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: release_seizure(uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.document_number),
            lambda registration: SubmitRegistrationPayload(registration=Registration.from_row(registration)),
            info,
        )
