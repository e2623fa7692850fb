from __future__ import annotations

import strawberry

from domain.services.contracts import revise_contract
from resolvers.context import Info
from resolvers.inputs import ReviseContractInput
from resolvers.mutations.common import Target, respond
from resolvers.mutations.draft_contract import contract_spec
from resolvers.payloads import ReviseContractPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


@strawberry.type
class ReviseContractMutation:
    @signed_in_mutation(description="The seller changes a contract before filing; its signatures are dropped")
    async def revise_contract(self, info: Info, input: ReviseContractInput) -> ReviseContractPayload:
        return await respond(
            ReviseContractPayload,
            lambda uc, pk: revise_contract(uc, pk, contract_spec(input)),
            lambda contract: _built(info, contract),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, contract) -> ReviseContractPayload:
    return ReviseContractPayload(contract=await shown(info, contract, Contract))
