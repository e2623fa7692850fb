from __future__ import annotations

import strawberry

from domain.errors import DomainError
from domain.services.organizations import register_organization
from resolvers.context import Info
from resolvers.inputs import RegisterOrganizationInput
from resolvers.payloads import RegisterOrganizationPayload, user_errors
from resolvers.permissions import signed_in_mutation, viewer_of
from resolvers.types.parties import Party


@strawberry.type
class RegisterOrganizationMutation:
    @signed_in_mutation(description="A developer, bank or provident fund centre joins the platform (REGISTRAR, HOUSING)")
    async def register_organization(self, info: Info, input: RegisterOrganizationInput) -> RegisterOrganizationPayload:
        try:
            party = await register_organization(viewer_of(info), info.context.services.clock, input.name, input.id_number)
        except DomainError as error:
            return RegisterOrganizationPayload(user_errors=user_errors(error))
        return RegisterOrganizationPayload(party=Party.from_row(party))
