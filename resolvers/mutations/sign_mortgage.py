from __future__ import annotations

import strawberry

from domain.services.mortgages import sign_mortgage
from resolvers.context import Info
from resolvers.inputs import SignMortgageInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import MortgagePayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.mortgages import Mortgage


@strawberry.type
class SignMortgageMutation:
    @signed_in_mutation(description="Each borrower signs the mortgage, face-verified")
    async def sign_mortgage(self, info: Info, input: SignMortgageInput) -> MortgagePayload:
        return await respond(
            MortgagePayload,
            sign_mortgage,
            lambda mortgage: _built(info, mortgage),
            info,
            input=input,
            target=Target("Mortgage", input.mortgage_id, ["input", "mortgageId"]),
        )


async def _built(info: Info, mortgage) -> MortgagePayload:
    return MortgagePayload(mortgage=await shown(info, mortgage, Mortgage))
