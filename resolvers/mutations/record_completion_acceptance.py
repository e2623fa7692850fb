from __future__ import annotations

import strawberry

from domain.services.first_registration import record_completion_acceptance
from resolvers.context import Info
from resolvers.inputs import RecordCompletionAcceptanceInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import RecordCompletionAcceptancePayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.permits import PresalePermit


@strawberry.type
class RecordCompletionAcceptanceMutation:
    @signed_in_mutation(description="HOUSING records the completion acceptance (竣工验收备案) of a permit's buildings")
    async def record_completion_acceptance(
        self, info: Info, input: RecordCompletionAcceptanceInput
    ) -> RecordCompletionAcceptancePayload:
        return await respond(
            RecordCompletionAcceptancePayload,
            lambda uc, pk: record_completion_acceptance(uc, pk, input.acceptance_number),
            lambda permit: _built(info, permit),
            info,
            input=input,
            target=Target("PresalePermit", input.permit_id, ["input", "permitId"]),
        )


async def _built(info: Info, permit) -> RecordCompletionAcceptancePayload:
    return RecordCompletionAcceptancePayload(permit=await shown(info, permit, PresalePermit))
