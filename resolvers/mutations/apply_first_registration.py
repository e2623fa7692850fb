from __future__ import annotations

import strawberry

from domain.services.first_registration import apply_first_registration
from resolvers.context import Info
from resolvers.inputs import ApplyFirstRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import ApplyFirstRegistrationPayload, shown_all
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyFirstRegistrationMutation:
    @signed_in_mutation(
        description=(
            "首次登记 of every property of the permit, with the first transfer to buyers whose deed "
            "tax is paid; safe to repeat"
        )
    )
    async def apply_first_registration(
        self, info: Info, input: ApplyFirstRegistrationInput
    ) -> ApplyFirstRegistrationPayload:
        return await respond(
            ApplyFirstRegistrationPayload,
            apply_first_registration,
            lambda result: _built(info, *result),
            info,
            input=input,
            target=Target("PresalePermit", input.permit_id, ["input", "permitId"]),
        )


async def _built(info: Info, registrations, transfers) -> ApplyFirstRegistrationPayload:
    return ApplyFirstRegistrationPayload(
        registrations=await shown_all(info, registrations, Registration),
        transfers=await shown_all(info, transfers, Registration),
    )
