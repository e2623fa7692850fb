from __future__ import annotations

import strawberry

from domain.services.fee_payments import record_fee_payment
from resolvers.context import Info
from resolvers.inputs import RecordFeePaymentInput
from resolvers.mutations.common import Target, respond
from resolvers.payloads import RecordFeePaymentPayload, shown
from resolvers.permissions import signed_in_mutation
from resolvers.types.registrations import FeePayment, Registration


@strawberry.type
class RecordFeePaymentMutation:
    @signed_in_mutation(
        description="REGISTRAR (or a BANK, for a mortgage registration it applied for) records a payment of a "
        "registration's fee (登记费) with its voucher; the last payment completes the registration when nothing "
        "else holds it back"
    )
    async def record_fee_payment(self, info: Info, input: RecordFeePaymentInput) -> RecordFeePaymentPayload:
        return await respond(
            RecordFeePaymentPayload,
            lambda uc, pk: record_fee_payment(uc, pk, input.amount, input.voucher_number),
            lambda result: _built(info, *result),
            info,
            input=input,
            target=Target("Registration", input.registration_id, ["input", "registrationId"]),
        )


async def _built(info: Info, registration, payment) -> RecordFeePaymentPayload:
    shown_registration = await shown(info, registration, Registration)
    return RecordFeePaymentPayload(
        registration=shown_registration,
        fee_payment=FeePayment(amount=payment.amount, voucher_number=payment.voucher_number, paid_at=payment.paid_at)
        if shown_registration
        else None,
    )
