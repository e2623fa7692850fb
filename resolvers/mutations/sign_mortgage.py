from __future__ import annotations

import strawberry

from domain.services.mortgages import sign_mortgage
from resolvers.types.mortgages import Mortgage
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import SignMortgageInput
from resolvers.mutations.common import respond
from resolvers.payloads import MortgagePayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class SignMortgageMutation:
    @signed_in_mutation(description="Each borrower signs the mortgage, face-verified")
    async def sign_mortgage(self, info: Info, input: SignMortgageInput) -> MortgagePayload:
        return await respond(
            MortgagePayload,
            lambda uc: sign_mortgage(uc, pk_of(input.mortgage_id, "Mortgage", ["input", "mortgageId"])),
            lambda mortgage: MortgagePayload(mortgage=Mortgage.from_row(mortgage)),
            info,
        )
