from __future__ import annotations

import strawberry

from domain.services.objection import register_objection
from resolvers.context import Info
from resolvers.inputs import RegisterObjectionInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class RegisterObjectionMutation:
    @signed_in_mutation(
        description=(
            "REGISTRAR registers an objection (异议登记) at once; it lapses after 15 days unless a lawsuit is recorded"
        )
    )
    async def register_objection(self, info: Info, input: RegisterObjectionInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: register_objection(uc, pk, input.applicant_id_number, input.claim),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Property", input.property_id, ["input", "propertyId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
