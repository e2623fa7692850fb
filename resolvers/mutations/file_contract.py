from __future__ import annotations

import strawberry

from domain.services.filing import file_contract
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import FileContractInput
from resolvers.mutations.common import respond
from resolvers.payloads import FileContractPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.contracts import Contract
from resolvers.types.registrations import Registration


@strawberry.type
class FileContractMutation:
    @signed_in_mutation(description="网签即时备案: every check in one transaction; the home is then sold to these buyers")
    async def file_contract(self, info: Info, input: FileContractInput) -> FileContractPayload:
        return await respond(
            FileContractPayload,
            lambda uc: file_contract(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"])),
            lambda result: FileContractPayload(contract=Contract.from_row(result[0]), advance_registration=Registration.from_row(result[1])),
            info,
        )
