from __future__ import annotations

import strawberry

from domain.services.contracts import sign_contract
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import SignContractInput
from resolvers.mutations.common import respond
from resolvers.payloads import SignContractPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


@strawberry.type
class SignContractMutation:
    @signed_in_mutation(description="A buyer (face) or the seller (CA) signs the contract's current text")
    async def sign_contract(self, info: Info, input: SignContractInput) -> SignContractPayload:
        return await respond(
            SignContractPayload,
            lambda uc: sign_contract(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"]), input.document_hash),
            lambda contract: SignContractPayload(contract=Contract.from_row(contract)),
            info,
        )
