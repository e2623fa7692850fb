from __future__ import annotations

import strawberry

from domain.services.refunds import record_fund_refund
from resolvers.context import Info
from resolvers.inputs import RecordFundRefundInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import RecordFundRefundPayload, shown_with_owner
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract, FundRefund


@strawberry.type
class RecordFundRefundMutation:
    @signed_in_mutation(
        description=(
            "The permit's supervising bank records a refund of supervised money after a withdrawn "
            "sale (at most what is due)"
        )
    )
    async def record_fund_refund(self, info: Info, input: RecordFundRefundInput) -> RecordFundRefundPayload:
        return await respond(
            RecordFundRefundPayload,
            lambda uc, pk: record_fund_refund(uc, pk, input.amount, input.bank_reference),
            lambda result: _built(info, *result),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, refund, contract) -> RecordFundRefundPayload:
    shown_refund, shown_contract = await shown_with_owner(info, refund, FundRefund, contract, Contract)
    return RecordFundRefundPayload(refund=shown_refund, contract=shown_contract)
