from __future__ import annotations

import strawberry

from domain.services.funds import record_fund_deposit
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RecordFundDepositInput
from resolvers.mutations.common import respond
from resolvers.payloads import RecordFundDepositPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract, FundDeposit


@strawberry.type
class RecordFundDepositMutation:
    @signed_in_mutation(description="A bank records a payment into the supervised account or the maintenance fund")
    async def record_fund_deposit(self, info: Info, input: RecordFundDepositInput) -> RecordFundDepositPayload:
        return await respond(
            RecordFundDepositPayload,
            lambda uc: record_fund_deposit(
                uc, pk_of(input.contract_id, "Contract", ["input", "contractId"]), input.kind, input.amount, input.bank_reference
            ),
            lambda result: RecordFundDepositPayload(deposit=FundDeposit.from_row(result[0]), contract=Contract.from_row(result[1])),
            info,
        )
