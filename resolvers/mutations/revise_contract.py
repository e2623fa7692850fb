from __future__ import annotations

import strawberry

from domain.services.contracts import revise_contract
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ReviseContractInput
from resolvers.mutations.common import respond
from resolvers.mutations.draft_contract import contract_spec
from resolvers.payloads import ReviseContractPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


@strawberry.type
class ReviseContractMutation:
    @signed_in_mutation(description="The seller changes a contract before filing; its signatures are dropped")
    async def revise_contract(self, info: Info, input: ReviseContractInput) -> ReviseContractPayload:
        return await respond(
            ReviseContractPayload,
            lambda uc: revise_contract(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"]), contract_spec(input)),
            lambda contract: ReviseContractPayload(contract=Contract.from_row(contract)),
            info,
        )
