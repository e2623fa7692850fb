from __future__ import annotations

import strawberry

from domain.services.tax import assess_deed_tax
from resolvers.context import Info
from resolvers.inputs import AssessDeedTaxInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import AssessDeedTaxPayload, shown_all
from resolvers.permissions import signed_in_mutation
from resolvers.types.tax import TaxRecord


@strawberry.type
class AssessDeedTaxMutation:
    @signed_in_mutation(
        description="TAX assesses deed tax per buyer (or a buyer self-declares); earlier assessments are cancelled"
    )
    async def assess_deed_tax(self, info: Info, input: AssessDeedTaxInput) -> AssessDeedTaxPayload:
        return await respond(
            AssessDeedTaxPayload,
            assess_deed_tax,
            lambda records: _built(info, records),
            info,
            input=input,
            target=Target("Contract", input.contract_id, ["input", "contractId"]),
        )


async def _built(info: Info, records) -> AssessDeedTaxPayload:
    return AssessDeedTaxPayload(tax_records=await shown_all(info, records, TaxRecord))
