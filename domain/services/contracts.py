"""draftContract, reviseContract and signContract (DESIGN §2 steps 2-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from tortoise import connections

from domain import eventlog, sql, visibility
from domain.enums import (
    ContractKind,
    ContractStatus,
    EventType,
    PartyKind,
    PaymentMethod,
    PermitStatus,
    PropertyStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Contract, ContractBuyer, ContractLender, ContractSeller, Party, Property, Signature
from domain.rules import identity, validation
from domain.rules import lenders as lender_rules
from domain.rules.contract_text import BuyerTerms, ContractTerms
from domain.services.context import UseCase
from domain.services.permits import registered_organization
from domain.services.resale import Holder, ownership_holders
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
    # A resale's escrow (存量房交易资金监管): both or neither.
    escrow_bank_id_number: str | None = None
    escrow_amount: Decimal | None = None


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
    uow: UnitOfWork,
    contract: Contract,
    terms: CheckedTerms,
    prop: Property,
    seller: Party,
    now: datetime,
    resale: _ResaleTerms | None = None,
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
        tuple(BuyerTerms(h.id_number, h.name, h.share) for h in resale.sellers) if resale else None,
        resale.escrow_bank.id_number if resale and resale.escrow_bank else None,
        resale.escrow_amount if resale else None,
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


@dataclass(frozen=True)
class _ResaleTerms:
    sellers: list[Holder]
    escrow_bank: Party | None
    escrow_amount: Decimal | None


async def _resale_terms(use_case: UseCase, property_id: int, spec: ContractSpec) -> tuple[Property, _ResaleTerms]:
    """A registered home, drafted by one of the holders of its ownership in force (DESIGN §7)."""
    viewer = use_case.viewer
    if not viewer.authenticated_by("face"):
        raise DomainError("IDENTITY_UNVERIFIED", "an owner drafts the resale of their home after face recognition")
    prop = await Property.get_or_none(id=property_id)
    if prop is None:
        raise DomainError("NOT_FOUND", "no such property", ["input", "propertyId"])
    holders = await ownership_holders(connections.get("default"), prop.id)
    if viewer.party_id not in {h.party_id for h in holders}:
        raise DomainError("FORBIDDEN", "only a holder of the home's ownership in force drafts its resale")
    if prop.status != PropertyStatus.REGISTERED:
        raise DomainError("INVALID_STATE", "only a registered home is resold", ["input", "propertyId"])
    sellers = {h.id_number for h in holders}
    for i, b in enumerate(spec.buyers):
        if b.id_number.strip().upper() in sellers:
            raise validation.InvalidInput(
                "a seller does not buy their own home", ["input", "buyers", str(i), "idNumber"]
            )
    if (spec.escrow_bank_id_number is None) != (spec.escrow_amount is None):
        field = "escrowAmount" if spec.escrow_amount is None else "escrowBankIdNumber"
        raise validation.InvalidInput("an escrow names both its bank and its amount", ["input", field])
    bank, amount = None, None
    if spec.escrow_bank_id_number is not None and spec.escrow_amount is not None:
        bank = await registered_organization(spec.escrow_bank_id_number, ["input", "escrowBankIdNumber"], "bank")
        amount = validation.money(spec.escrow_amount, ["input", "escrowAmount"])
        if amount <= 0:
            raise validation.InvalidInput("an escrow holds more than nothing", ["input", "escrowAmount"])
        validation.not_more_than(amount, spec.price, ["input", "escrowAmount"], "the price")
    return prop, _ResaleTerms(holders, bank, amount)


async def draft_contract(use_case: UseCase, property_id: int, spec: ContractSpec) -> Contract:
    use_case.require_role(Role.DEVELOPER, Role.BUYER, action="draft sales contracts")
    use_case.require_party()
    if use_case.viewer.role == Role.BUYER:
        return await _draft_resale(use_case, property_id, spec)
    if spec.escrow_bank_id_number is not None or spec.escrow_amount is not None:
        raise validation.InvalidInput("a new home's price goes to the supervised account, not an escrow", ["input"])
    prop, seller = await _sellable_property(use_case, property_id)
    terms = await _checked_terms(spec)
    return await _drafted(use_case, prop, seller, terms, None)


async def _draft_resale(use_case: UseCase, property_id: int, spec: ContractSpec) -> Contract:
    prop, resale = await _resale_terms(use_case, property_id, spec)
    terms = await _checked_terms(spec)
    first = resale.sellers[0]
    seller = sql.model_from(Party, id=first.party_id, name=first.name, id_number=first.id_number, kind="PERSON")
    return await _drafted(use_case, prop, seller, terms, resale)


_DRAFT_COLUMNS = (
    "kind",
    "property_id",
    "seller_id",
    "escrow_bank_id",
    "escrow_amount",
    "price",
    "down_payment",
    "payment_method",
    "delivery_with_certificate",
    "status",
    "document_hash",
    "created_at",
)


def _sellers_of(resale: _ResaleTerms | None) -> list[Holder]:
    return resale.sellers if resale else []


async def _drafted(
    use_case: UseCase, prop: Property, seller: Party, terms: CheckedTerms, resale: _ResaleTerms | None
) -> Contract:
    """A new draft (a resale when `resale` names its sellers), its terms and CONTRACT_DRAFTED, committed."""
    escrow_bank = resale.escrow_bank if resale else None
    async with use_case.unit_of_work() as uow:
        contract = Contract(
            kind=ContractKind.RESALE if resale else ContractKind.NEW_HOME,
            property_id=prop.id,
            seller_id=seller.id,
            escrow_bank_id=escrow_bank.id if escrow_bank else None,
            escrow_amount=resale.escrow_amount if resale else None,
            price=terms.price,
            down_payment=terms.down_payment,
            payment_method=terms.payment_method,
            delivery_with_certificate=terms.delivery_with_certificate,
            status=ContractStatus.DRAFT,
            document_hash="",
            created_at=use_case.now(),
        )
        contract.id = await uow.insert(Contract, {name: getattr(contract, name) for name in _DRAFT_COLUMNS})
        sellers = sql.insert_many(
            ContractSeller,
            [
                {"contract_id": contract.id, "party_id": h.party_id, "share": h.share, "position": i}
                for i, h in enumerate(_sellers_of(resale))
            ],
        )
        await uow.write(*sellers, *await _terms_writes(uow, contract, terms, prop, seller, use_case.now(), resale))
        payload = _snapshot(contract, terms, prop)
        if resale:
            payload |= {
                "kind": ContractKind.RESALE,
                "sellers": [h.id_number for h in resale.sellers],
                "escrowBank": escrow_bank.id_number if escrow_bank else None,
                "escrowAmount": resale.escrow_amount,
            }
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id)
        await uow.record(eventlog.NewEvent(EventType.CONTRACT_DRAFTED, refs, payload))
        await uow.commit()
    # A resale's sellers were just written (one of them drafts); a new home's seller is a column.
    return visibility.vouch(contract, visibility.Vouched(persons=frozenset(h.party_id for h in _sellers_of(resale))))


async def revise_contract(use_case: UseCase, contract_id: int, spec: ContractSpec) -> Contract:
    """Change a contract before filing: a new text, so every party signs again."""
    use_case.require_role(Role.DEVELOPER, action="revise sales contracts")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    if contract.seller_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the seller revises its contract")
    if contract.kind == ContractKind.RESALE:  # never reached today: a resale's sellers are people, not developers
        raise DomainError("INVALID_STATE", "a resale is drafted again, not revised", ["input", "contractId"])
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
        buyers, sellers, signed_by = await _buyers_and_signers(uow, locked.id)
        # A resale's sellers are people: they sign as buyers do (face).
        if viewer.role == Role.BUYER:
            is_party = viewer.party_id in buyers | sellers
        else:
            is_party = locked.kind == ContractKind.NEW_HOME and viewer.party_id == locked.seller_id
        if viewer.party_id is None or not is_party:
            raise DomainError("FORBIDDEN", "only the contract's buyers and its sellers sign it")
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
        complete = (buyers | sellers | {locked.seller_id}) <= (signed_by | {viewer.party_id})
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
    return visibility.vouch(locked, visibility.Vouched(persons=frozenset(buyers | sellers)))


class _RoleRow(NamedTuple):
    role: str
    party_id: int


async def _buyers_and_signers(uow: UnitOfWork, contract_id: int) -> tuple[set[int], set[int], set[int]]:
    """The buyers, a resale's sellers (none for a new home), and who signed."""
    rows = await uow.fetch(
        "SELECT 'buyer', party_id FROM contract_buyer WHERE contract_id = ? "
        "UNION ALL SELECT 'seller', party_id FROM contract_seller WHERE contract_id = ? "
        "UNION ALL SELECT 'signer', signer_id FROM signature WHERE contract_id = ?",
        [contract_id, contract_id, contract_id],
        _RoleRow,
    )

    def of(role: str) -> set[int]:
        return {r.party_id for r in rows if r.role == role}

    return of("buyer"), of("seller"), of("signer")
