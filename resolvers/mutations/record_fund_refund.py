from __future__ import annotations

import strawberry

from domain.services.refunds import record_fund_refund
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RecordFundRefundInput
from resolvers.mutations.common import respond
from resolvers.payloads import RecordFundRefundPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract, FundRefund


@strawberry.type
class RecordFundRefundMutation:
    @signed_in_mutation(description="The permit's supervising bank records a refund of supervised money after a withdrawn sale (at most what is due)")
    async def record_fund_refund(self, info: Info, input: RecordFundRefundInput) -> RecordFundRefundPayload:
        return await respond(
            RecordFundRefundPayload,
            lambda uc: record_fund_refund(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"]), input.amount, input.bank_reference),
            lambda result: RecordFundRefundPayload(refund=FundRefund.from_row(result[0]), contract=Contract.from_row(result[1])),
            info,
        )
