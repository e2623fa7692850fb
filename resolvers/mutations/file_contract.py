from __future__ import annotations

import strawberry

from domain.services.filing import file_contract
from resolvers.context import Info
from resolvers.inputs import FileContractInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import FileContractPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract
from resolvers.types.registrations import Registration


@strawberry.type
class FileContractMutation:
    @signed_in_mutation(
        description="网签即时备案: every check in one transaction; the home is then sold to these buyers"
    )
    async def file_contract(self, info: Info, input: FileContractInput) -> FileContractPayload:
        return await respond(
            FileContractPayload,
            file_contract,
            lambda result: _built(info, *result),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, contract, registration) -> FileContractPayload:
    return FileContractPayload(
        contract=await shown(info, contract, Contract),
        advance_registration=await shown(info, registration, Registration),
    )
