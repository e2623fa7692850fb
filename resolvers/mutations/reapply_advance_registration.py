from __future__ import annotations

import strawberry

from domain.services.review import reapply_advance_registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ReapplyAdvanceRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import SubmitRegistrationPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ReapplyAdvanceRegistrationMutation:
    @signed_in_mutation(description="The seller or a buyer applies again for the advance notice of a filed contract after a rejected or withdrawn application")
    async def reapply_advance_registration(self, info: Info, input: ReapplyAdvanceRegistrationInput) -> SubmitRegistrationPayload:
        return await respond(
            SubmitRegistrationPayload,
            lambda uc: reapply_advance_registration(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"])),
            lambda result: SubmitRegistrationPayload(registration=Registration.from_row(result)),
            info,
        )
