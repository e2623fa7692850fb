from __future__ import annotations

import strawberry

from domain.services.filing import cancel_contract
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import CancelContractInput
from resolvers.mutations.common import respond
from resolvers.payloads import CancelContractPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


@strawberry.type
class CancelContractMutation:
    @signed_in_mutation(description="HOUSING cancels a contract; a filed one only once its advance rights are released")
    async def cancel_contract(self, info: Info, input: CancelContractInput) -> CancelContractPayload:
        return await respond(
            CancelContractPayload,
            lambda uc: cancel_contract(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"]), input.reason),
            lambda contract: CancelContractPayload(contract=Contract.from_row(contract)),
            info,
        )
