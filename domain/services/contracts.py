"""draftContract, reviseContract and signContract (DESIGN §2 steps 2-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from tortoise import connections

from domain import eventlog, sql
from domain.enums import (
    ContractStatus,
    EventType,
    PartyKind,
    PaymentMethod,
    PermitStatus,
    PropertyStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Contract, ContractBuyer, ContractLender, Party, Property, Signature
from domain.rules import identity, validation
from domain.rules import lenders as lender_rules
from domain.rules.contract_text import BuyerTerms, ContractTerms
from domain.services.context import UseCase
from domain.services.permits import registered_organization
from domain.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class BuyerSpec:
    id_number: str
    name: str
    share: Decimal | None


@dataclass(frozen=True)
class ContractSpec:
    buyers: list[BuyerSpec]
    price: Decimal
    down_payment: Decimal
    payment_method: PaymentMethod
    delivery_with_certificate: bool
    lender_id_number: str | None
    # Issue 14: `lenders` (credit codes); a combined loan names a bank and a provident fund centre.
    lender_id_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckedTerms:
    buyers: list[BuyerTerms]
    price: Decimal
    down_payment: Decimal
    payment_method: PaymentMethod
    delivery_with_certificate: bool
    lender: Party | None
    known_parties: dict[str, int]  # buyers the platform knows already: ID number -> party id
    lenders: tuple[Party, ...] = ()  # every lender, `lender` first (issue 14, combined loans)


async def _checked_terms(spec: ContractSpec) -> CheckedTerms:
    validation.at_least_one(spec.buyers, ["input", "buyers"], "buyer")

    def buyer_field(i: int, name: str) -> list[str]:
        return ["input", "buyers", str(i), name]

    numbers = [identity.resident_id(b.id_number, buyer_field(i, "idNumber")) for i, b in enumerate(spec.buyers)]
    repeat = validation.first_repeat(numbers)
    if repeat is not None:
        raise validation.InvalidInput("this buyer is listed twice", buyer_field(repeat, "idNumber"))
    names = [validation.required_text(b.name, buyer_field(i, "name"), 100) for i, b in enumerate(spec.buyers)]
    shares = validation.shares([b.share for b in spec.buyers], lambda i: buyer_field(i, "share"))
    known = await _verify_identities(numbers, names)
    price = validation.money(spec.price, ["input", "price"])
    down_payment = validation.money(spec.down_payment, ["input", "downPayment"])
    validation.not_more_than(down_payment, price, ["input", "downPayment"], "the price")
    chosen = await _chosen_lenders(spec)
    return CheckedTerms(
        [BuyerTerms(n, name, s) for n, name, s in zip(numbers, names, shares, strict=True)],
        price,
        down_payment,
        spec.payment_method,
        spec.delivery_with_certificate,
        chosen[0] if chosen else None,
        known,
        tuple(chosen),
    )


async def _chosen_lenders(spec: ContractSpec) -> list[Party]:
    """The lenders the input names (`lenders`, or the one `lenderIdNumber`), registered, and
    fitting the payment method (domain/rules/lenders.py)."""
    codes, field = lender_rules.chosen_lenders(spec.lender_id_number, spec.lender_id_numbers)
    if codes and spec.payment_method == PaymentMethod.FULL_PAYMENT:
        raise validation.InvalidInput("a full payment has no lender", field)
    parties = [
        await registered_organization(code, field if field == lender_rules.LENDER_FIELD else [*field, str(i)], "lender")
        for i, code in enumerate(codes)
    ]
    refusal = lender_rules.lenders_refusal(
        spec.payment_method, [lender_rules.LenderFacts(p.id_number, p.name) for p in parties], field
    )
    if refusal is not None:
        raise refusal
    return parties


_IDENTITIES_SQL = """
SELECT 'record', id_number, name, NULL, NULL FROM shared_person WHERE id_number IN ({marks})
UNION ALL
SELECT 'party', id_number, name, id, kind FROM party WHERE id_number IN ({marks})
"""


class _IdentityRow(NamedTuple):
    source: str  # 'record' or 'party'
    id_number: str
    name: str
    party_id: int | None
    kind: str | None


async def _verify_identities(numbers: list[str], names: list[str]) -> dict[str, int]:
    """The name must match the shared population record, and the platform's own record.
    Returns the party ids of the buyers the platform knows already."""
    rows = await sql.fetch(
        connections.get("default"),
        _IDENTITIES_SQL.format(marks=sql.marks(len(numbers))),
        [*numbers, *numbers],
        _IdentityRow,
    )
    records = {number: name for source, number, name, _, _ in rows if source == "record"}
    parties = {number: (name, party_id, kind) for source, number, name, party_id, kind in rows if source == "party"}
    for i, (number, name) in enumerate(zip(numbers, names, strict=True)):
        known = records.get(number) or (parties[number][0] if number in parties else None)
        if known is not None and known != name:
            raise DomainError(
                "IDENTITY_UNVERIFIED",
                "the name does not match the population record for this ID number",
                ["input", "buyers", str(i), "name"],
            )
        if number in parties and parties[number][2] != PartyKind.PERSON.value:
            raise validation.InvalidInput(
                "this number belongs to an organisation", ["input", "buyers", str(i), "idNumber"]
            )
    return {number: party_id for number, (_, party_id, _) in parties.items() if party_id is not None}


class _PartyIdRow(NamedTuple):
    id_number: str
    id: int


async def _buyer_party_ids(uow: UnitOfWork, terms: CheckedTerms, now: datetime) -> list[int]:
    """Each buyer's party id, the party created on first use (or found, if another request just did)."""
    missing = [b for b in terms.buyers if b.id_number not in terms.known_parties]
    ids = dict(terms.known_parties)
    if missing:
        rows = [
            sql.db_row(Party, {"kind": PartyKind.PERSON, "id_number": b.id_number, "name": b.name, "created_at": now})
            for b in missing
        ]
        [(text, values)] = sql.insert_rows("party", ("kind", "id_number", "name", "created_at"), rows)
        returned = await uow.execute(
            sql.Returning(
                f"{text} ON CONFLICT (id_number) DO UPDATE SET id_number = excluded.id_number RETURNING id_number, id",
                values,
            )
        )
        ids.update({r.id_number: r.id for r in map(sql.named(_PartyIdRow), returned)})
    return [ids[b.id_number] for b in terms.buyers]


_SELLABLE_SQL = """
SELECT {property}, pm.developer_id, pm.status, s.id, s.name, s.id_number, s.kind
  FROM property p LEFT JOIN permit pm ON pm.id = p.permit_id LEFT JOIN party s ON s.id = pm.developer_id
 WHERE p.id = ?
"""


class _PermitAndSeller(NamedTuple):
    developer_id: int | None
    permit_status: str | None
    seller_id: int | None
    seller_name: str | None
    seller_id_number: str | None
    seller_kind: str | None


async def _sellable_property(use_case: UseCase, property_id: int) -> tuple[Property, Party]:
    """The property, if this developer may sell it now, and the developer (the seller)."""
    columns = sql.columns_of(Property)
    rows = await sql.fetch_with_model(
        connections.get("default"),
        Property,
        columns,
        _SELLABLE_SQL.format(property=", ".join(f"p.{c}" for c in columns)),
        [property_id],
        _PermitAndSeller,
    )
    if not rows:
        raise DomainError("NOT_FOUND", "no such property", ["input", "propertyId"])
    [(prop, found)] = rows
    developer_id, permit_status = found.developer_id, found.permit_status
    if developer_id is None or developer_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the developer holding this property's permit drafts its contracts")
    if PermitStatus(permit_status) != PermitStatus.VALID:
        raise DomainError("PERMIT_INVALID", "the property's permit is not valid", ["input", "propertyId"])
    if prop.status != PropertyStatus.AVAILABLE:
        raise DomainError("ALREADY_SOLD", f"the property is {prop.status.value.lower()}", ["input", "propertyId"])
    return prop, sql.model_from(
        Party, id=found.seller_id, name=found.seller_name, id_number=found.seller_id_number, kind=found.seller_kind
    )


async def _terms_writes(
    uow: UnitOfWork, contract: Contract, terms: CheckedTerms, prop: Property, seller: Party, now: datetime
) -> list[sql.Statement]:
    """The statements that store the terms and their document hash, for a contract with no
    buyers or signatures (any earlier ones are deleted first: they no longer apply)."""
    party_ids = await _buyer_party_ids(uow, terms, now)
    contract.lender_id = terms.lender.id if terms.lender else None
    contract.price, contract.down_payment = terms.price, terms.down_payment
    contract.payment_method, contract.delivery_with_certificate = terms.payment_method, terms.delivery_with_certificate
    contract.status = ContractStatus.DRAFT
    contract.document_hash = ContractTerms(
        contract.id,
        prop.unit_code,
        seller.id_number,
        seller.name,
        tuple(terms.buyers),
        terms.price,
        terms.down_payment,
        terms.payment_method,
        terms.delivery_with_certificate,
        terms.lender.id_number if terms.lender else None,
        tuple(p.id_number for p in terms.lenders),
    ).document_hash()
    return [
        *sql.insert_many(
            ContractLender,
            [{"contract_id": contract.id, "party_id": p.id, "position": i} for i, p in enumerate(terms.lenders)],
        ),
        *sql.insert_many(
            ContractBuyer,
            [
                {"contract_id": contract.id, "party_id": party_id, "share": b.share, "position": i}
                for i, (party_id, b) in enumerate(zip(party_ids, terms.buyers, strict=True))
            ],
        ),
        sql.update(
            Contract,
            contract.id,
            {
                name: getattr(contract, name)
                for name in (
                    "lender_id",
                    "price",
                    "down_payment",
                    "payment_method",
                    "delivery_with_certificate",
                    "status",
                    "document_hash",
                )
            },
        ),
    ]


def _snapshot(contract: Contract, terms: CheckedTerms, prop: Property) -> dict[str, Any]:
    return {
        "contractId": contract.id,
        "unitCode": prop.unit_code,
        "price": terms.price,
        "downPayment": terms.down_payment,
        "paymentMethod": terms.payment_method,
        "buyers": [b.id_number for b in terms.buyers],
        "lender": terms.lender.id_number if terms.lender else None,
        **({"lenders": [p.id_number for p in terms.lenders]} if len(terms.lenders) > 1 else {}),
        "documentHash": contract.document_hash,
    }


async def draft_contract(use_case: UseCase, property_id: int, spec: ContractSpec) -> Contract:
    use_case.require_role(Role.DEVELOPER, action="draft sales contracts")
    use_case.require_party()
    prop, seller = await _sellable_property(use_case, property_id)
    terms = await _checked_terms(spec)
    async with use_case.unit_of_work() as uow:
        contract = Contract(
            property_id=prop.id,
            seller_id=seller.id,
            price=terms.price,
            down_payment=terms.down_payment,
            payment_method=terms.payment_method,
            delivery_with_certificate=terms.delivery_with_certificate,
            status=ContractStatus.DRAFT,
            document_hash="",
            created_at=use_case.now(),
        )
        contract.id = await uow.insert(
            Contract,
            {
                name: getattr(contract, name)
                for name in (
                    "property_id",
                    "seller_id",
                    "price",
                    "down_payment",
                    "payment_method",
                    "delivery_with_certificate",
                    "status",
                    "document_hash",
                    "created_at",
                )
            },
        )
        await uow.write(*await _terms_writes(uow, contract, terms, prop, seller, use_case.now()))
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id)
        await uow.record(eventlog.NewEvent(EventType.CONTRACT_DRAFTED, refs, _snapshot(contract, terms, prop)))
        await uow.commit()
    return contract


async def revise_contract(use_case: UseCase, contract_id: int, spec: ContractSpec) -> Contract:
    """Change a contract before filing: a new text, so every party signs again."""
    use_case.require_role(Role.DEVELOPER, action="revise sales contracts")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    if contract.seller_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the seller revises its contract")
    if contract.status not in (ContractStatus.DRAFT, ContractStatus.SIGNED):
        raise DomainError(
            "INVALID_STATE", f"a {contract.status.value.lower()} contract cannot change", ["input", "contractId"]
        )
    terms = await _checked_terms(spec)
    prop = await Property.get(id=contract.property_id)
    seller = await Party.get(id=contract.seller_id)
    async with use_case.unit_of_work() as uow:
        locked = await uow.lock(Contract, contract.id)
        assert locked is not None  # contracts are never deleted
        if locked.status not in (ContractStatus.DRAFT, ContractStatus.SIGNED):
            raise DomainError("INVALID_STATE", "the contract was filed meanwhile", ["input", "contractId"])
        # Deleted first, on their own: the same buyer may come back in the new terms.
        await uow.execute(
            sql.Statement("DELETE FROM contract_buyer WHERE contract_id = ?", [locked.id]),
            sql.Statement("DELETE FROM signature WHERE contract_id = ?", [locked.id]),
            sql.Statement("DELETE FROM contract_lender WHERE contract_id = ?", [locked.id]),
        )
        await uow.write(*await _terms_writes(uow, locked, terms, prop, seller, use_case.now()))
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=locked.id)
        payload = {**_snapshot(locked, terms, prop), "revised": True}
        await uow.record(eventlog.NewEvent(EventType.CONTRACT_DRAFTED, refs, payload))
        await uow.commit()
    return locked


SIGNING_METHOD = {Role.BUYER: ("face", "FACE"), Role.DEVELOPER: ("ca", "CA")}


async def sign_contract(use_case: UseCase, contract_id: int, document_hash: str) -> Contract:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="sign sales contracts")
    async with use_case.unit_of_work() as uow:
        locked = await uow.lock(Contract, contract_id)
        if locked is None:
            raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
        buyers, signed_by = await _buyers_and_signers(uow, locked.id)
        is_party = viewer.party_id in buyers if viewer.role == Role.BUYER else viewer.party_id == locked.seller_id
        if viewer.party_id is None or not is_party:
            raise DomainError("FORBIDDEN", "only the contract's buyers and its seller sign it")
        required_amr, method = SIGNING_METHOD[viewer.role]
        if not viewer.authenticated_by(required_amr):
            raise DomainError(
                "IDENTITY_UNVERIFIED",
                "buyers sign after face recognition"
                if viewer.role == Role.BUYER
                else "the developer signs with its CA certificate",
            )
        if locked.status != ContractStatus.DRAFT:
            raise DomainError(
                "INVALID_STATE",
                f"the contract is {locked.status.value.lower()}; it takes no more signatures",
                ["input", "contractId"],
            )
        if document_hash.strip().lower() != locked.document_hash:
            raise DomainError(
                "INVALID_INPUT",
                "this is not the contract's current text: read it again and sign that",
                ["input", "documentHash"],
            )
        if viewer.party_id in signed_by:
            raise DomainError("DUPLICATE", "you have signed this text already", ["input", "documentHash"])
        writes = [
            sql.insert(
                Signature,
                {
                    "contract_id": locked.id,
                    "signer_id": viewer.party_id,
                    "method": method,
                    "document_hash": locked.document_hash,
                    "signed_at": use_case.now(),
                },
            )
        ]
        complete = (buyers | {locked.seller_id}) <= (signed_by | {viewer.party_id})
        if complete:
            locked.status = ContractStatus.SIGNED
            writes.append(sql.update(Contract, locked.id, {"status": locked.status}))
        refs = eventlog.EventRefs(property_id=locked.property_id, contract_id=locked.id)
        payload = {
            "contractId": locked.id,
            "signer": viewer.party_id_number,
            "method": method,
            "documentHash": locked.document_hash,
            "allSigned": complete,
        }
        await uow.write(*writes)
        await uow.record(eventlog.NewEvent(EventType.CONTRACT_SIGNED, refs, payload))
        await uow.commit()
    return locked


class _RoleRow(NamedTuple):
    role: str
    party_id: int


async def _buyers_and_signers(uow: UnitOfWork, contract_id: int) -> tuple[set[int], set[int]]:
    rows = await uow.fetch(
        "SELECT 'buyer', party_id FROM contract_buyer WHERE contract_id = ? "
        "UNION ALL SELECT 'signer', signer_id FROM signature WHERE contract_id = ?",
        [contract_id, contract_id],
        _RoleRow,
    )
    return {r.party_id for r in rows if r.role == "buyer"}, {r.party_id for r in rows if r.role == "signer"}
