from __future__ import annotations

import strawberry

from domain.services.contracts import sign_contract
from resolvers.context import Info
from resolvers.inputs import SignContractInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import SignContractPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


@strawberry.type
class SignContractMutation:
    @signed_in_mutation(description="A buyer (face) or the seller (CA) signs the contract's current text")
    async def sign_contract(self, info: Info, input: SignContractInput) -> SignContractPayload:
        return await respond(
            SignContractPayload,
            lambda uc, pk: sign_contract(uc, pk, input.document_hash),
            lambda contract: _built(info, contract),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, contract) -> SignContractPayload:
    return SignContractPayload(contract=await shown(info, contract, Contract))
