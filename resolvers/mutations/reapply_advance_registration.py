from __future__ import annotations

import strawberry

from domain.services.review import reapply_advance_registration
from resolvers.context import Info
from resolvers.inputs import ReapplyAdvanceRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SubmitRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ReapplyAdvanceRegistrationMutation:
    @signed_in_mutation(
        description=(
            "The seller or a buyer applies again for the advance notice of a filed contract after "
            "a rejected or withdrawn application"
        )
    )
    async def reapply_advance_registration(
        self, info: Info, input: ReapplyAdvanceRegistrationInput
    ) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc, pk: reapply_advance_registration(uc, pk),
            lambda result: _built(info, result),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, registration) -> SubmitRegistrationPayload:
    return SubmitRegistrationPayload(registration=await shown(info, registration, Registration))
