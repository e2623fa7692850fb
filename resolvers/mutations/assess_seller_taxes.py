from __future__ import annotations

import strawberry

from domain.services.tax import assess_seller_taxes
from resolvers.context import Info
from resolvers.inputs import AssessSellerTaxesInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import AssessSellerTaxesPayload, shown_all
from resolvers.permissions import signed_in_mutation
from resolvers.types.tax import TaxRecord


@strawberry.type
class AssessSellerTaxesMutation:
    @signed_in_mutation(
        description=(
            "TAX (or a seller for their own contract) assesses a resale's VAT and individual income tax per"
            " seller; earlier unpaid assessments are cancelled"
        )
    )
    async def assess_seller_taxes(self, info: Info, input: AssessSellerTaxesInput) -> AssessSellerTaxesPayload:
        return await respond(
            AssessSellerTaxesPayload,
            assess_seller_taxes,
            lambda records: _built(info, records),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, records) -> AssessSellerTaxesPayload:
    return AssessSellerTaxesPayload(tax_records=await shown_all(info, records, TaxRecord))
