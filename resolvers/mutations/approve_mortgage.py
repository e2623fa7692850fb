from __future__ import annotations

import strawberry

from domain.errors import DomainError
from domain.services.mortgages import approve_home_mortgage, approve_mortgage
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import ApproveMortgageInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import MortgagePayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.mortgages import Mortgage


@strawberry.type
class ApproveMortgageMutation:
    @signed_in_mutation(
        description="A lender (BANK or PROVIDENT_FUND) approves a loan: on a filed contract, by the buyers' chosen "
        "lender (principal ≤ price − down payment); or to the owners of a REGISTERED home (propertyId, borrowers)"
    )
    async def approve_mortgage(self, info: Info, input: ApproveMortgageInput) -> MortgagePayload:
        refusal = _form_refusal(input)
        if refusal is not None:
            return await respond(MortgagePayload, _refused(refusal), lambda m: _built(info, m), info, input=input)
        if input.property_id is not None:
            borrowers = input.borrowers or []
            return await respond(
                MortgagePayload,
                lambda uc, pk: approve_home_mortgage(
                    uc,
                    pk,
                    [pk_of(b, "Party", ["input", "borrowers", str(i)]) for i, b in enumerate(borrowers)],
                    input.principal,
                    input.term_months,
                ),
                lambda mortgage: _built(info, mortgage),
                info,
                input=input,
                target=Target("Property", input.property_id, ["input", "propertyId"]),
            )
        assert input.contract_id is not None  # _form_refusal saw to it
        return await respond(
            MortgagePayload,
            lambda uc, pk: approve_mortgage(uc, pk, input.principal, input.term_months),
            lambda mortgage: _built(info, mortgage),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


def _form_refusal(input: ApproveMortgageInput) -> DomainError | None:
    """Exactly one form: a contract, or a registered home with its borrowers."""
    if input.contract_id is None and input.property_id is None:
        return DomainError("INVALID_INPUT", "give either contractId or propertyId", ["input", "contractId"])
    if input.contract_id is not None and input.property_id is not None:
        return DomainError("INVALID_INPUT", "give either contractId or propertyId, not both", ["input", "propertyId"])
    if input.contract_id is not None and input.borrowers is not None:
        return DomainError(
            "INVALID_INPUT",
            "a contract's borrowers are its buyers: borrowers go with propertyId",
            ["input", "borrowers"],
        )
    if input.property_id is not None and not input.borrowers:
        return DomainError(
            "INVALID_INPUT", "name the borrowers, holders of the home's ownership", ["input", "borrowers"]
        )
    return None


def _refused(error: DomainError):
    async def work(_use_case):
        raise error

    return work


async def _built(info: Info, mortgage) -> MortgagePayload:
    return MortgagePayload(mortgage=await shown(info, mortgage, Mortgage))
