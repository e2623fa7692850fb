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
    # A resale's (存量房买卖) own terms; a new home's text leaves them out, so its hash is unchanged.
    sellers: tuple[BuyerTerms, ...] | None = None
    escrow_bank_id_number: str | None = None
    escrow_amount: Decimal | None = None

    def document(self) -> dict[str, Any]:
        if self.sellers is not None:
            return {
                **self._new_home_document(),
                "kind": "RESALE",
                "sellers": [_party(s) for s in self.sellers],
                "escrow": None
                if self.escrow_bank_id_number is None
                else {"bank": self.escrow_bank_id_number, "amount": self.escrow_amount},
            }
        return self._new_home_document()

    def _new_home_document(self) -> dict[str, Any]:
        return {
            "contract": self.contract_id,
            "property": self.unit_code,
            "seller": {"idNumber": self.seller_id_number, "name": self.seller_name},
            "buyers": [_party(b) for b in self.buyers],
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


def _party(terms: BuyerTerms) -> dict[str, Any]:
    return {
        "idNumber": terms.id_number,
        "name": terms.name,
        "share": None if terms.share is None else terms.share.quantize(SHARE_PLACES),
    }
