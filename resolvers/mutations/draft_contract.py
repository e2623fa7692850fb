from __future__ import annotations

import strawberry

from domain.services.contracts import BuyerSpec, ContractSpec, draft_contract
from resolvers.context import Info
from resolvers.inputs import DraftContractInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import DraftContractPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract


def contract_spec(input) -> ContractSpec:
    return ContractSpec(
        buyers=[BuyerSpec(b.id_number, b.name, b.share) for b in input.buyers],
        price=input.price,
        down_payment=input.down_payment,
        payment_method=input.payment_method,
        delivery_with_certificate=input.delivery_with_certificate,
        lender_id_number=input.lender_id_number,
        lender_id_numbers=tuple(input.lenders or ()),
        escrow_bank_id_number=getattr(input, "escrow_bank_id_number", None),
        escrow_amount=getattr(input, "escrow_amount", None),
    )


@strawberry.type
class DraftContractMutation:
    @signed_in_mutation(
        description=(
            "The developer holding the property's permit drafts an e-contract; for a registered home"
            " (存量房), a holder of its ownership in force (BUYER, face)"
        )
    )
    async def draft_contract(self, info: Info, input: DraftContractInput) -> DraftContractPayload:
        return await respond(
            DraftContractPayload,
            lambda uc, pk: draft_contract(uc, pk, contract_spec(input)),
            lambda contract: _built(info, contract),
            info,
            input=input,
            target=Target("Property", input.property_id, ["input", "propertyId"]),
        )


async def _built(info: Info, contract) -> DraftContractPayload:
    return DraftContractPayload(contract=await shown(info, contract, Contract))
