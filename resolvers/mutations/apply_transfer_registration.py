from __future__ import annotations

import strawberry

from domain.services.transfer import apply_transfer_registration
from resolvers.context import Info
from resolvers.inputs import ApplyTransferRegistrationInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import ApplyTransferRegistrationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import Registration


@strawberry.type
class ApplyTransferRegistrationMutation:
    @signed_in_mutation(
        description=(
            "转移登记: a seller or buyer of a filed resale applies; every seller and buyer signs it with"
            " signRegistration, and the last signature gets the instant decision"
        )
    )
    async def apply_transfer_registration(
        self, info: Info, input: ApplyTransferRegistrationInput
    ) -> ApplyTransferRegistrationPayload:
        return await respond(
            ApplyTransferRegistrationPayload,
            apply_transfer_registration,
            lambda registration: _built(info, registration),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, registration) -> ApplyTransferRegistrationPayload:
    return ApplyTransferRegistrationPayload(registration=await shown(info, registration, Registration))
