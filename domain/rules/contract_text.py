"""The canonical text of a sales contract: what every party signs (DESIGN §2 step 2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.canonical import canonical_hash
from domain.enums import PaymentMethod

# A share as stored (six decimals): "0.5" and "0.500000" are one term, so one text and one hash.
SHARE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class BuyerTerms:
    id_number: str
    name: str
    share: Decimal | None


@dataclass(frozen=True)
class ContractTerms:
    contract_id: int
    unit_code: str
    seller_id_number: str
    seller_name: str
    buyers: tuple[BuyerTerms, ...]
    price: Decimal
    down_payment: Decimal
    payment_method: PaymentMethod
    delivery_with_certificate: bool
    lender_id_number: str | None
    # Every lender, the first being `lender_id_number`; named in the text only when there are
    # several (a combined loan, issue 14), so a one-lender contract keeps its text and hash.
    lender_id_numbers: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        return {
            "contract": self.contract_id,
            "property": self.unit_code,
            "seller": {"idNumber": self.seller_id_number, "name": self.seller_name},
            "buyers": [
                {
                    "idNumber": b.id_number,
                    "name": b.name,
                    "share": None if b.share is None else b.share.quantize(SHARE_PLACES),
                }
                for b in self.buyers
            ],
            "price": self.price,
            "downPayment": self.down_payment,
            "paymentMethod": self.payment_method,
            "deliveryWithCertificate": self.delivery_with_certificate,
            "lender": self.lender_id_number,
            **({"lenders": list(self.lender_id_numbers)} if len(self.lender_id_numbers) > 1 else {}),
        }

    def document_hash(self) -> str:
        """SHA-256 of the canonical text: any change to any term changes it."""
        return canonical_hash(self.document())
