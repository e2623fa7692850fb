from __future__ import annotations

import strawberry

from domain.services.filing import cancel_contract
from resolvers.context import Info
from resolvers.inputs import CancelContractInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import CancelContractPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


@strawberry.type
class CancelContractMutation:
    @signed_in_mutation(description="HOUSING cancels a contract; a filed one only once its advance rights are released")
    async def cancel_contract(self, info: Info, input: CancelContractInput) -> CancelContractPayload:
        return await respond(
            CancelContractPayload,
            lambda uc, pk: cancel_contract(uc, pk, input.reason),
            lambda contract: _built(info, contract),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, contract) -> CancelContractPayload:
    return CancelContractPayload(contract=await shown(info, contract, Contract))
