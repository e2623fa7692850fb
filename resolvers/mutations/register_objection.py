from __future__ import annotations

import strawberry

from domain.services.objection import register_objection
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RegisterObjectionInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class RegisterObjectionMutation:
    @signed_in_mutation(description="REGISTRAR registers an objection (异议登记) at once; it lapses after 15 days unless a lawsuit is recorded")
    async def register_objection(self, info: Info, input: RegisterObjectionInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: register_objection(uc, pk_of(input.property_id, "Property", ["input", "propertyId"]), input.applicant_id_number, input.claim),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
