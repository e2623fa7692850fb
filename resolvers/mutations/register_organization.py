from __future__ import annotations

import strawberry

from domain.services.organizations import register_organization
from resolvers.context import Info
from resolvers.inputs import RegisterOrganizationInput
from resolvers.mutations.common import respond
from resolvers.payloads import RegisterOrganizationPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.parties import Party


@strawberry.type
class RegisterOrganizationMutation:
    @signed_in_mutation(
        description="A developer, bank or provident fund centre joins the platform (REGISTRAR, HOUSING)"
    )
    async def register_organization(self, info: Info, input: RegisterOrganizationInput) -> RegisterOrganizationPayload:
        return await respond(
            RegisterOrganizationPayload,
            lambda uc: register_organization(uc.viewer, uc.clock, input.name, input.id_number),
            lambda party: _built(info, party),
            info,
            input=input,
        )


async def _built(info: Info, party) -> RegisterOrganizationPayload:
    return RegisterOrganizationPayload(party=await shown(info, party, Party))
