from __future__ import annotations

import strawberry

from domain.services.objection import record_objection_lawsuit
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RecordObjectionLawsuitInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class RecordObjectionLawsuitMutation:
    @signed_in_mutation(description="REGISTRAR records the lawsuit that keeps an objection in force")
    async def record_objection_lawsuit(self, info: Info, input: RecordObjectionLawsuitInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: record_objection_lawsuit(uc, pk_of(input.registration_id, "Registration", ["input", "registrationId"]), input.case_number),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
