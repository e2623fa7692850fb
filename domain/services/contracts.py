"""draftContract, reviseContract and signContract (DESIGN §2 steps 2-3)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain import eventlog
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
from domain.models import Contract, ContractBuyer, Party, Permit, Property, SharedPersonRecord, Signature
from domain.rules import identity, validation
from domain.rules.contract_text import BuyerTerms, ContractTerms
from domain.services.context import UseCase
from domain.services.permits import registered_organization


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


@dataclass(frozen=True)
class CheckedTerms:
    buyers: list[BuyerTerms]
    price: Decimal
    down_payment: Decimal
    payment_method: PaymentMethod
    delivery_with_certificate: bool
    lender: Party | None


async def _checked_terms(spec: ContractSpec) -> CheckedTerms:
    validation.at_least_one(spec.buyers, ["input", "buyers"], "buyer")
    buyer_field = lambda i, name: ["input", "buyers", str(i), name]  # noqa: E731
    numbers = [identity.resident_id(b.id_number, buyer_field(i, "idNumber")) for i, b in enumerate(spec.buyers)]
    repeat = validation.first_repeat(numbers)
    if repeat is not None:
        raise validation.InvalidInput("this buyer is listed twice", buyer_field(repeat, "idNumber"))
    names = [validation.required_text(b.name, buyer_field(i, "name"), 100) for i, b in enumerate(spec.buyers)]
    shares = validation.shares([b.share for b in spec.buyers], lambda i: buyer_field(i, "share"))
    await _verify_identities(numbers, names)
    price = validation.money(spec.price, ["input", "price"])
    down_payment = validation.money(spec.down_payment, ["input", "downPayment"])
    validation.not_more_than(down_payment, price, ["input", "downPayment"], "the price")
    lender = None
    if spec.lender_id_number:
        if spec.payment_method == PaymentMethod.FULL_PAYMENT:
            raise validation.InvalidInput("a full payment has no lender", ["input", "lenderIdNumber"])
        lender = await registered_organization(spec.lender_id_number, ["input", "lenderIdNumber"], "lender")
    return CheckedTerms(
        [BuyerTerms(n, name, s) for n, name, s in zip(numbers, names, shares)],
        price, down_payment, spec.payment_method, spec.delivery_with_certificate, lender,
    )


async def _verify_identities(numbers: list[str], names: list[str]) -> None:
    """The name must match the shared population record, and the platform's own record."""
    records = {r.id_number: r.name for r in await SharedPersonRecord.filter(id_number__in=numbers)}
    parties = {p.id_number: p for p in await Party.filter(id_number__in=numbers)}
    for i, (number, name) in enumerate(zip(numbers, names)):
        known = records.get(number) or (parties[number].name if number in parties else None)
        if known is not None and known != name:
            raise DomainError(
                "IDENTITY_UNVERIFIED", "the name does not match the population record for this ID number",
                ["input", "buyers", str(i), "name"],
            )
        if number in parties and parties[number].kind != PartyKind.PERSON:
            raise validation.InvalidInput("this number belongs to an organisation", ["input", "buyers", str(i), "idNumber"])


async def _buyer_parties(conn: BaseDBAsyncClient, buyers: list[BuyerTerms]) -> list[Party]:
    """Each buyer's Party, created on first use."""
    parties = []
    for buyer in buyers:
        party = await Party.get_or_none(id_number=buyer.id_number).using_db(conn)
        if party is None:
            await Party.bulk_create(
                [Party(kind=PartyKind.PERSON, id_number=buyer.id_number, name=buyer.name)], ignore_conflicts=True, using_db=conn
            )
            party = await Party.get(id_number=buyer.id_number).using_db(conn)
        parties.append(party)
    return parties


async def _sellable_property(use_case: UseCase, property_id: int) -> tuple[Property, Permit]:
    prop = await Property.get_or_none(id=property_id)
    if prop is None:
        raise DomainError("NOT_FOUND", "no such property", ["input", "propertyId"])
    permit = await Permit.get_or_none(id=prop.permit_id) if prop.permit_id else None
    if permit is None or permit.developer_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the developer holding this property's permit drafts its contracts")
    if permit.status != PermitStatus.VALID:
        raise DomainError("PERMIT_INVALID", "the property's permit is not valid", ["input", "propertyId"])
    if prop.status != PropertyStatus.AVAILABLE:
        raise DomainError("ALREADY_SOLD", f"the property is {prop.status.value.lower()}", ["input", "propertyId"])
    return prop, permit


async def _write_terms(conn: BaseDBAsyncClient, contract: Contract, terms: CheckedTerms, prop: Property, seller: Party) -> None:
    """Store the terms and their document hash; earlier signatures no longer apply."""
    parties = await _buyer_parties(conn, terms.buyers)
    await ContractBuyer.filter(contract_id=contract.id).using_db(conn).delete()
    await ContractBuyer.bulk_create(
        [ContractBuyer(contract_id=contract.id, party_id=p.id, share=b.share, position=i)
         for i, (p, b) in enumerate(zip(parties, terms.buyers))],
        using_db=conn,
    )
    await Signature.filter(contract_id=contract.id).using_db(conn).delete()
    contract.lender_id = terms.lender.id if terms.lender else None
    contract.price, contract.down_payment = terms.price, terms.down_payment
    contract.payment_method, contract.delivery_with_certificate = terms.payment_method, terms.delivery_with_certificate
    contract.status = ContractStatus.DRAFT
    contract.document_hash = ContractTerms(
        contract.id, prop.unit_code, seller.id_number, seller.name, tuple(terms.buyers), terms.price,
        terms.down_payment, terms.payment_method, terms.delivery_with_certificate,
        terms.lender.id_number if terms.lender else None,
    ).document_hash()
    await contract.save(using_db=conn)


def _snapshot(contract: Contract, terms: CheckedTerms, prop: Property) -> dict:
    return {
        "contractId": contract.id, "unitCode": prop.unit_code, "price": terms.price, "downPayment": terms.down_payment,
        "paymentMethod": terms.payment_method, "buyers": [b.id_number for b in terms.buyers],
        "lender": terms.lender.id_number if terms.lender else None, "documentHash": contract.document_hash,
    }


async def draft_contract(use_case: UseCase, property_id: int, spec: ContractSpec) -> Contract:
    use_case.require_role(Role.DEVELOPER, action="draft sales contracts")
    use_case.require_party()
    prop, permit = await _sellable_property(use_case, property_id)
    terms = await _checked_terms(spec)
    seller = await Party.get(id=permit.developer_id)
    async with in_transaction() as conn:
        contract = await Contract.create(
            property_id=prop.id, seller_id=seller.id, price=terms.price, down_payment=terms.down_payment,
            payment_method=terms.payment_method, delivery_with_certificate=terms.delivery_with_certificate,
            document_hash="", using_db=conn,
        )
        await _write_terms(conn, contract, terms, prop, seller)
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id)
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.CONTRACT_DRAFTED, refs, _snapshot(contract, terms, prop))])
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
        raise DomainError("INVALID_STATE", f"a {contract.status.value.lower()} contract cannot change", ["input", "contractId"])
    terms = await _checked_terms(spec)
    prop = await Property.get(id=contract.property_id)
    seller = await Party.get(id=contract.seller_id)
    async with in_transaction() as conn:
        locked = await Contract.select_for_update().using_db(conn).get(id=contract.id)
        if locked.status not in (ContractStatus.DRAFT, ContractStatus.SIGNED):
            raise DomainError("INVALID_STATE", "the contract was filed meanwhile", ["input", "contractId"])
        await _write_terms(conn, locked, terms, prop, seller)
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=locked.id)
        payload = {**_snapshot(locked, terms, prop), "revised": True}
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.CONTRACT_DRAFTED, refs, payload)])
    return locked


SIGNING_METHOD = {Role.BUYER: ("face", "FACE"), Role.DEVELOPER: ("ca", "CA")}


async def sign_contract(use_case: UseCase, contract_id: int, document_hash: str) -> Contract:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, Role.DEVELOPER, action="sign sales contracts")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    buyers = set(await ContractBuyer.filter(contract_id=contract.id).values_list("party_id", flat=True))
    is_party = viewer.party_id in buyers if viewer.role == Role.BUYER else viewer.party_id == contract.seller_id
    if viewer.party_id is None or not is_party:
        raise DomainError("FORBIDDEN", "only the contract's buyers and its seller sign it")
    required_amr, method = SIGNING_METHOD[viewer.role]
    if not viewer.authenticated_by(required_amr):
        raise DomainError(
            "IDENTITY_UNVERIFIED",
            "buyers sign after face recognition" if viewer.role == Role.BUYER else "the developer signs with its CA certificate",
        )
    async with in_transaction() as conn:
        locked = await Contract.select_for_update().using_db(conn).get(id=contract.id)
        if locked.status != ContractStatus.DRAFT:
            raise DomainError("INVALID_STATE", f"the contract is {locked.status.value.lower()}; it takes no more signatures", ["input", "contractId"])
        if document_hash.strip().lower() != locked.document_hash:
            raise DomainError("INVALID_INPUT", "this is not the contract's current text: read it again and sign that", ["input", "documentHash"])
        signed_by = set(await Signature.filter(contract_id=locked.id).using_db(conn).values_list("signer_id", flat=True))
        if viewer.party_id in signed_by:
            raise DomainError("DUPLICATE", "you have signed this text already", ["input", "documentHash"])
        await Signature.create(contract_id=locked.id, signer_id=viewer.party_id, method=method,
                               document_hash=locked.document_hash, signed_at=use_case.now(), using_db=conn)
        complete = (buyers | {locked.seller_id}) <= (signed_by | {viewer.party_id})
        if complete:
            locked.status = ContractStatus.SIGNED
            await locked.save(using_db=conn, update_fields=["status"])
        refs = eventlog.EventRefs(property_id=locked.property_id, contract_id=locked.id)
        payload = {"contractId": locked.id, "signer": viewer.party_id_number, "method": method,
                   "documentHash": locked.document_hash, "allSigned": complete}
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.CONTRACT_SIGNED, refs, payload)])
    return locked
