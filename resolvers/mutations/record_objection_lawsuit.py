from __future__ import annotations

import strawberry

from domain.services.objection import record_objection_lawsuit
from resolvers.context import Info
from resolvers.inputs import RecordObjectionLawsuitInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class RecordObjectionLawsuitMutation:
    @signed_in_mutation(description="REGISTRAR records the lawsuit that keeps an objection in force")
    async def record_objection_lawsuit(
        self, info: Info, input: RecordObjectionLawsuitInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: record_objection_lawsuit(uc, pk, input.case_number),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
