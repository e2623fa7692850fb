"""The canonical texts that signatures cover: the byte form whose SHA-256 is `documentHash`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from domain.canonical import canonical_json, sha256_hex
from domain.enums import ContractKind
from domain.models import Contract, ContractSeller, Party
from domain.rules.contract_text import BuyerTerms, ContractTerms


def contract_terms_of(
    contract: Contract,
    unit_code: str,
    seller: Party,
    buyers: list[tuple[Party, Decimal | None]],
    lender: Party | None,
    lenders: Sequence[Party] = (),
    sellers: list[tuple[Party, Decimal | None]] | None = None,
    escrow_bank: Party | None = None,
) -> ContractTerms:
    """The terms as stored: the same `ContractTerms` the draft was hashed from."""
    return ContractTerms(
        contract.id,
        unit_code,
        seller.id_number,
        seller.name,
        tuple(BuyerTerms(p.id_number, p.name, share) for p, share in buyers),
        contract.price,
        contract.down_payment,
        contract.payment_method,
        contract.delivery_with_certificate,
        lender.id_number if lender else None,
        tuple(p.id_number for p in lenders),
        tuple(BuyerTerms(p.id_number, p.name, share) for p, share in sellers) if sellers is not None else None,
        escrow_bank.id_number if escrow_bank else None,
        contract.escrow_amount,
    )


async def resale_terms_of(contract: Contract) -> dict[str, Any]:
    """A resale's sellers and escrow bank, as `contract_terms_of` takes them (nothing for a new home)."""
    if contract.kind != ContractKind.RESALE:
        return {}
    rows = await ContractSeller.filter(contract_id=contract.id).order_by("position")
    parties = {
        p.id: p
        for p in await Party.filter(
            id__in=[*(r.party_id for r in rows), *([contract.escrow_bank_id] if contract.escrow_bank_id else [])]
        )
    }
    return {
        "sellers": [(parties[r.party_id], r.share) for r in rows],
        "escrow_bank": parties.get(contract.escrow_bank_id) if contract.escrow_bank_id else None,
    }


def contract_text(terms: ContractTerms) -> str:
    return canonical_json(terms.document())


def application_text(application_form: dict[str, Any]) -> str:
    """An application's signed text: its form, as each applicant signs it (advance notice)."""
    return canonical_json(application_form)


def text_hash(text: str) -> str:
    return sha256_hex(text)
