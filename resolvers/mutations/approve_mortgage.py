from __future__ import annotations

import strawberry

from domain.services.mortgages import approve_mortgage
from resolvers.types.mortgages import Mortgage
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ApproveMortgageInput
from resolvers.mutations.common import respond
from resolvers.payloads import MortgagePayload
from resolvers.permissions import signed_in_mutation


@strawberry.type
class ApproveMortgageMutation:
    @signed_in_mutation(description="The buyers' chosen lender approves a loan on a filed contract (principal ≤ price − down payment)")
    async def approve_mortgage(self, info: Info, input: ApproveMortgageInput) -> MortgagePayload:
        return await respond(
            MortgagePayload,
            lambda uc: approve_mortgage(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"]), input.principal, input.term_months),
            lambda mortgage: MortgagePayload(mortgage=Mortgage.from_row(mortgage)),
            info,
        )
