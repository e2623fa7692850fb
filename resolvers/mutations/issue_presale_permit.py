from __future__ import annotations

import strawberry

from domain.services.permits import PermitSpec, PropertySpec, issue_presale_permit
from resolvers.context import Info
from resolvers.inputs import IssuePresalePermitInput
from resolvers.mutations.common import respond
from resolvers.payloads import IssuePresalePermitPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.permits import PresalePermit


def _spec(input: IssuePresalePermitInput) -> PermitSpec:
    return PermitSpec(
        number=input.number,
        developer_id_number=input.developer_id_number,
        project_name=input.project_name,
        sale_type=input.sale_type,
        supervised_account=input.supervised_account,
        supervising_bank_id_number=input.supervising_bank_id_number,
        properties=[
            PropertySpec(p.unit_code, p.address, p.building, p.floor, p.room, p.building_area, p.usage)
            for p in input.properties
        ],
    )


@strawberry.type
class IssuePresalePermitMutation:
    @signed_in_mutation(description="HOUSING permits a developer to sell the listed units")
    async def issue_presale_permit(self, info: Info, input: IssuePresalePermitInput) -> IssuePresalePermitPayload:
        return await respond(
            IssuePresalePermitPayload,
            lambda uc: issue_presale_permit(uc, _spec(input)),
            lambda permit: _built(info, permit),
            info,
            input=input,
        )


async def _built(info: Info, permit) -> IssuePresalePermitPayload:
    return IssuePresalePermitPayload(permit=await shown(info, permit, PresalePermit))
