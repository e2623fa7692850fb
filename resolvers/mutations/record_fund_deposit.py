from __future__ import annotations

import strawberry

from domain.services.funds import record_fund_deposit
from resolvers.context import Info
from resolvers.inputs import RecordFundDepositInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import RecordFundDepositPayload, shown_with_owner
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract, FundDeposit


@strawberry.type
class RecordFundDepositMutation:
    @signed_in_mutation(description="A bank records a payment into the supervised account or the maintenance fund")
    async def record_fund_deposit(self, info: Info, input: RecordFundDepositInput) -> RecordFundDepositPayload:
        return await respond(
            RecordFundDepositPayload,
            lambda uc, pk: record_fund_deposit(uc, pk, input.kind, input.amount, input.bank_reference),
            lambda result: _built(info, *result),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, deposit, contract) -> RecordFundDepositPayload:
    # MAINTENANCE is open to any bank: one that may not see the contract learns nothing of it.
    shown_deposit, shown_contract = await shown_with_owner(info, deposit, FundDeposit, contract, Contract)
    return RecordFundDepositPayload(deposit=shown_deposit, contract=shown_contract)
