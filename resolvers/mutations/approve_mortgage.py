from __future__ import annotations

import strawberry

from domain.services.mortgages import approve_mortgage
from resolvers.context import Info
from resolvers.inputs import ApproveMortgageInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import MortgagePayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.mortgages import Mortgage


@strawberry.type
class ApproveMortgageMutation:
    @signed_in_mutation(
        description="The buyers' chosen lender approves a loan on a filed contract (principal ≤ price − down payment)"
    )
    async def approve_mortgage(self, info: Info, input: ApproveMortgageInput) -> MortgagePayload:
        return await respond(
            MortgagePayload,
            lambda uc, pk: approve_mortgage(uc, pk, input.principal, input.term_months),
            lambda mortgage: _built(info, mortgage),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, mortgage) -> MortgagePayload:
    return MortgagePayload(mortgage=await shown(info, mortgage, Mortgage))
