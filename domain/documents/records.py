"""The records a certificate or contract document is made from, as the viewer may see them
(DESIGN §1): nothing the viewer may not see is found (no existence leak)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.expressions import Subquery

from domain import visibility
from domain.certificates import KeyRing
from domain.documents.texts import contract_terms_of, contract_text, resale_terms_of
from domain.enums import CertificateStatus, PartyKind, RegistrationPartyRole
from domain.masking import mask_id_number, mask_name
from domain.models import Certificate, Contract, ContractBuyer, Party, Property, Registration, RegistrationParty
from domain.rules.certificate_status import certificate_status
from domain.rules.contract_text import ContractTerms
from domain.viewer import Viewer


@dataclass(frozen=True)
class Holder:
    name: str
    id_number: str


@dataclass(frozen=True)
class CertificateRecord:
    certificate: Certificate
    registration: Registration
    status: CertificateStatus
    # As signed (the certificate's content), ID numbers masked where the viewer may not read them.
    holders: tuple[Holder, ...]


async def _status(registration: Registration) -> CertificateStatus:
    replaced = await Registration.exists(converted_from_id=registration.id)
    return certificate_status(registration.right_status, replaced)


async def _record(certificate: Certificate, viewer: Viewer | None) -> CertificateRecord:
    registration = await Registration.get(id=certificate.registration_id)
    signed = [Holder(h["name"], h["idNumber"]) for h in certificate.content.get("holders", [])]
    if viewer is None:  # the public verification page: names and numbers masked
        holders = tuple(Holder(mask_name(h.name), mask_id_number(h.id_number)) for h in signed)
    else:
        holders = tuple(await _as_viewer_may_read(viewer, registration.id, signed))
    return CertificateRecord(certificate, registration, await _status(registration), holders)


async def _as_viewer_may_read(viewer: Viewer, registration_id: int, holders: list[Holder]) -> list[Holder]:
    parties = {
        p.id_number: p
        for p in await Party.filter(
            id__in=Subquery(
                RegistrationParty.filter(
                    registration_id=registration_id, role=RegistrationPartyRole.RIGHT_HOLDER
                ).values("party_id")
            )
        )
    }
    persons = [p.id for p in parties.values() if p.kind == PartyKind.PERSON]
    readable = await visibility.unmasked_person_ids(viewer, persons)
    out = []
    for holder in holders:
        party = parties.get(holder.id_number)
        hidden = party is None or (party.kind == PartyKind.PERSON and party.id not in readable)
        out.append(Holder(holder.name, mask_id_number(holder.id_number) if hidden else holder.id_number))
    return out


async def visible_certificate(viewer: Viewer, number: str) -> CertificateRecord | None:
    certificate = await Certificate.get_or_none(
        number=number, registration_id__in=Subquery(visibility.registrations(viewer, Registration.all()).values("id"))
    )
    return await _record(certificate, viewer) if certificate else None


async def certificates_of_property(property_id: int, viewer: Viewer) -> list[CertificateRecord]:
    """Every certificate on the property (the archive: the caller has checked the viewer may
    see them all), holders as `viewer` may read them."""
    rows = await Certificate.filter(registration__property_id=property_id).order_by("id")
    return [await _record(row, viewer) for row in rows]


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str | None
    certificate: Certificate | None  # None when the number or the hash is not a certificate's


async def verify_certificate(keyring: KeyRing, number: str, content_hash: str) -> Verification:
    """What anyone holding a certificate (or its QR code) may check: it exists, the hash is its
    own, and the authority's signature covers it."""
    certificate = await Certificate.get_or_none(number=number.strip())
    if certificate is None:
        return Verification(False, "no certificate has this number", None)
    if content_hash.strip().lower() != certificate.content_hash:
        return Verification(False, "the content hash is not this certificate's", None)
    reason = keyring.verify(
        certificate.content, certificate.content_hash, certificate.signature, certificate.signing_key_id
    )
    return Verification(reason is None, reason, certificate)


async def public_record(certificate: Certificate) -> CertificateRecord:
    """The certificate's standing for the public: holders' names and ID numbers masked."""
    return await _record(certificate, None)


@dataclass(frozen=True)
class ContractRecord:
    contract: Contract
    property: Property
    seller: Party
    buyers: tuple[tuple[Party, Decimal | None], ...]
    lender: Party | None
    terms: ContractTerms

    @property
    def text(self) -> str:
        return contract_text(self.terms)


async def visible_contract(viewer: Viewer, contract_id: int) -> ContractRecord | None:
    contract = await visibility.contracts(viewer, Contract.filter(id=contract_id)).first()
    if contract is None:
        return None
    prop = await Property.get(id=contract.property_id)
    rows = await ContractBuyer.filter(contract_id=contract.id).order_by("position")
    parties = {
        p.id: p
        for p in await Party.filter(
            id__in=[
                contract.seller_id,
                *(r.party_id for r in rows),
                *([contract.lender_id] if contract.lender_id else []),
            ]
        )
    }
    buyers = tuple((parties[r.party_id], r.share) for r in rows)
    lender = parties.get(contract.lender_id) if contract.lender_id else None
    seller = parties[contract.seller_id]
    return ContractRecord(
        contract,
        prop,
        seller,
        buyers,
        lender,
        contract_terms_of(contract, prop.unit_code, seller, list(buyers), lender, **await resale_terms_of(contract)),
    )
