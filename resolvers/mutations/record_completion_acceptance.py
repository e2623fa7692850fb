from __future__ import annotations

import strawberry

from domain.services.first_registration import record_completion_acceptance
from resolvers.types.permits import PresalePermit
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RecordCompletionAcceptanceInput
from resolvers.mutations.common import respond
from resolvers.payloads import RecordCompletionAcceptancePayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class RecordCompletionAcceptanceMutation:
    @signed_in_mutation(description="HOUSING records the completion acceptance (竣工验收备案) of a permit's buildings")
    async def record_completion_acceptance(self, info: Info, input: RecordCompletionAcceptanceInput) -> RecordCompletionAcceptancePayload:
        return await respond(
            RecordCompletionAcceptancePayload,
            lambda uc: record_completion_acceptance(uc, pk_of(input.permit_id, "PresalePermit", ["input", "permitId"]), input.acceptance_number),
            lambda permit: RecordCompletionAcceptancePayload(permit=PresalePermit.from_row(permit)),
            info,
        )
