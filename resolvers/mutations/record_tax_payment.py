from __future__ import annotations

import strawberry

from domain.services.tax import record_tax_payment
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import RecordTaxPaymentInput
from resolvers.mutations.common import respond
from resolvers.payloads import RecordTaxPaymentPayload
from resolvers.permissions import signed_in_mutation
from resolvers.types.tax import TaxRecord


@strawberry.type
class RecordTaxPaymentMutation:
    @signed_in_mutation(description="TAX records the payment of an assessed amount with its voucher (完税凭证)")
    async def record_tax_payment(self, info: Info, input: RecordTaxPaymentInput) -> RecordTaxPaymentPayload:
        return await respond(
            RecordTaxPaymentPayload,
            lambda uc: record_tax_payment(
                uc, pk_of(input.tax_record_id, "TaxRecord", ["input", "taxRecordId"]), input.amount, input.voucher_number
            ),
            lambda record: RecordTaxPaymentPayload(tax_record=TaxRecord.from_row(record)),
            info,
        )
