from __future__ import annotations

import strawberry

from domain.services.tax import assess_deed_tax
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import AssessDeedTaxInput
from resolvers.mutations.common import respond
from resolvers.payloads import AssessDeedTaxPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.tax import TaxRecord


@strawberry.type
class AssessDeedTaxMutation:
    @signed_in_mutation(description="TAX assesses deed tax per buyer (or a buyer self-declares); earlier assessments are cancelled")
    async def assess_deed_tax(self, info: Info, input: AssessDeedTaxInput) -> AssessDeedTaxPayload:
        return await respond(
            AssessDeedTaxPayload,
            lambda uc: assess_deed_tax(uc, pk_of(input.contract_id, "Contract", ["input", "contractId"])),
            lambda records: AssessDeedTaxPayload(tax_records=[TaxRecord.from_row(r) for r in records]),
            info,
        )
