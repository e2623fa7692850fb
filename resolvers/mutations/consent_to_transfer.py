from __future__ import annotations

import strawberry

from domain.services.transfer import consent_to_transfer
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ConsentToTransferInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import MortgagePayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.mortgages import Mortgage


@strawberry.type
class ConsentToTransferMutation:
    @signed_in_mutation(
        description=(
            "带押过户: the lender of a mortgage in force (CA) consents to a resale of the home; the mortgage"
            " stays in force through the transfer, and the buyers' new mortgage ranks after it"
        )
    )
    async def consent_to_transfer(self, info: Info, input: ConsentToTransferInput) -> MortgagePayload:
        return await respond(
            MortgagePayload,
            lambda uc, pk: consent_to_transfer(uc, pk, pk_of(input.contract_id, "Contract", ["input", "contractId"])),
            lambda mortgage: _built(info, mortgage),
            info,
            input=input,
            target=Target("Mortgage", input.mortgage_id, ["input", "mortgageId"]),
        )


async def _built(info: Info, mortgage) -> MortgagePayload:
    return MortgagePayload(mortgage=await shown(info, mortgage, Mortgage))
