from __future__ import annotations

import strawberry

from domain.services.first_registration import apply_first_registration
from resolvers.types.registrations import Registration
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ApplyFirstRegistrationInput
from resolvers.mutations.common import respond
from resolvers.payloads import ApplyFirstRegistrationPayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class ApplyFirstRegistrationMutation:
    @signed_in_mutation(description="首次登记 of every property of the permit, with the first transfer to buyers whose deed tax is paid; safe to repeat")
    async def apply_first_registration(self, info: Info, input: ApplyFirstRegistrationInput) -> ApplyFirstRegistrationPayload:
        return await respond(
            ApplyFirstRegistrationPayload,
            lambda uc: apply_first_registration(uc, pk_of(input.permit_id, "PresalePermit", ["input", "permitId"])),
            lambda result: ApplyFirstRegistrationPayload(registrations=[Registration.from_row(r) for r in result[0]], transfers=[Registration.from_row(r) for r in result[1]]),
            info,
        )
