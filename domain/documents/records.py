"""The records a certificate or contract document is made from, as the viewer may see them
(DESIGN §1): nothing the viewer may not see is found (no existence leak)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.expressions import Subquery

from domain import sql, visibility
from domain.certificates import KeyRing
from domain.documents.texts import application_text, contract_terms_of, contract_text, resale_terms_of, text_hash
from domain.enums import CertificateStatus, PartyKind, RegistrationPartyRole
from domain.masking import mask_id_number, mask_name
from domain.models import (
    Certificate,
    Contract,
    ContractBuyer,
    ContractLender,
    Mortgage,
    Party,
    Property,
    Registration,
    RegistrationParty,
)
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

    @builtins.property  # `property` is a field of this class
    def text(self) -> str:
        return contract_text(self.terms)


async def visible_contract(viewer: Viewer, contract_id: int) -> ContractRecord | None:
    contract = await visibility.contracts(viewer, Contract.filter(id=contract_id)).first()
    if contract is None:
        return None
    prop = await Property.get(id=contract.property_id)
    rows = await ContractBuyer.filter(contract_id=contract.id).order_by("position")
    lender_ids = sql.ints(
        await ContractLender.filter(contract_id=contract.id).order_by("position").values_list("party_id", flat=True)
    )
    parties = {
        p.id: p
        for p in await Party.filter(
            id__in=[
                contract.seller_id,
                *(r.party_id for r in rows),
                *([contract.lender_id] if contract.lender_id else []),
                *lender_ids,
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
        contract_terms_of(
            contract,
            prop.unit_code,
            seller,
            list(buyers),
            lender,
            [parties[i] for i in lender_ids],
            **await resale_terms_of(contract),
        ),
    )


@dataclass(frozen=True)
class ApplicationRecord:
    """An application (申请书) as the viewer may see it: its form as `Registration.applicationForm`
    answers this viewer, applicants and right holders with ID numbers masked where the viewer may
    not read them (DESIGN §1)."""

    registration: Registration
    property: Property
    applicants: tuple[Holder, ...]
    right_holders: tuple[Holder, ...]
    form: dict[str, Any]  # the facts, ID numbers masked as above
    text: str  # the canonical text as `Registration.text` answers this viewer
    document_hash: str  # its SHA-256, as `Registration.documentHash`
    masked: bool  # some ID number in the text is one the viewer may not read: the text is not printed


async def visible_application(viewer: Viewer, registration_id: int) -> ApplicationRecord | None:
    registration = await visibility.registrations(viewer, Registration.filter(id=registration_id)).first()
    if registration is None:
        return None
    form = registration.application_form
    if (
        registration.mortgage_id
        and not await visibility.mortgages(viewer, Mortgage.filter(id=registration.mortgage_id)).exists()
    ):
        # Another lender's mortgage: a right in force, never its terms (DESIGN §7), as in GraphQL.
        form = {"registrationType": form.get("registrationType")}
    text = application_text(form)
    prop = await Property.get(id=registration.property_id)
    rows = await RegistrationParty.filter(registration_id=registration.id).order_by("role", "position")
    parties = {p.id: p for p in await Party.filter(id__in=[r.party_id for r in rows])}
    hidden = await _hidden_id_numbers(viewer, [*parties.values()], _id_numbers(form))

    def holders(role: RegistrationPartyRole) -> tuple[Holder, ...]:
        return tuple(
            Holder(parties[r.party_id].name, _masked(parties[r.party_id].id_number, hidden))
            for r in rows
            if r.role == role
        )

    return ApplicationRecord(
        registration,
        prop,
        holders(RegistrationPartyRole.APPLICANT),
        holders(RegistrationPartyRole.RIGHT_HOLDER),
        _mask_form(form, hidden),
        text,
        text_hash(text),
        bool(hidden & _id_numbers(form)),
    )


async def form_as_seen(viewer: Viewer | None, form: dict[str, Any]) -> dict[str, Any]:
    """An application form with the ID numbers this viewer may not read masked (DESIGN §1)."""
    if viewer is not None and viewer.sees_everything:
        return form
    numbers = _id_numbers(form)
    if not numbers:
        return form
    hidden = numbers if viewer is None else await _hidden_id_numbers(viewer, [], numbers)
    return _mask_form(form, hidden) if hidden else form


def _id_numbers(value: Any) -> set[str]:
    if isinstance(value, dict):
        own = {value["idNumber"]} if isinstance(value.get("idNumber"), str) else set()
        return own.union(*(_id_numbers(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_id_numbers(v) for v in value))
    return set()


async def _hidden_id_numbers(viewer: Viewer, parties: list[Party], in_form: set[str]) -> set[str]:
    """The ID numbers of people the viewer may not read in full (a number no party has, too)."""
    if viewer.sees_everything:
        return set()
    known = {p.id_number: p for p in parties}
    missing = in_form - known.keys()
    if missing:
        known.update({p.id_number: p for p in await Party.filter(id_number__in=sorted(missing))})
    persons = [p.id for p in known.values() if p.kind == PartyKind.PERSON]
    readable = await visibility.unmasked_person_ids(viewer, persons)
    hidden = {p.id_number for p in known.values() if p.kind == PartyKind.PERSON and p.id not in readable}
    return hidden | (in_form - known.keys())


def _masked(id_number: str, hidden: set[str]) -> str:
    return mask_id_number(id_number) if id_number in hidden else id_number


def _mask_form(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: _masked(v, hidden) if k == "idNumber" and isinstance(v, str) else _mask_form(v, hidden)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_form(v, hidden) for v in value]
    return value
