from __future__ import annotations

import strawberry

from domain.services.tax import record_tax_payment
from resolvers.context import Info
from resolvers.inputs import RecordTaxPaymentInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import RecordTaxPaymentPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.tax import TaxRecord


@strawberry.type
class RecordTaxPaymentMutation:
    @signed_in_mutation(description="TAX records the payment of an assessed amount with its voucher (完税凭证)")
    async def record_tax_payment(self, info: Info, input: RecordTaxPaymentInput) -> RecordTaxPaymentPayload:
        return await respond(
            RecordTaxPaymentPayload,
            lambda uc, pk: record_tax_payment(uc, pk, input.amount, input.voucher_number),
            lambda record: _built(info, record),
            info,
            input=input,
            target=Target("TaxRecord", input.tax_record_id, ["input", "taxRecordId"]),
        )


async def _built(info: Info, record) -> RecordTaxPaymentPayload:
    return RecordTaxPaymentPayload(tax_record=await shown(info, record, TaxRecord))
