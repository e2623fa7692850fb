"""assessDeedTax and recordTaxPayment: the tax bureau's part of a sale (DESIGN §2 step 7)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from tortoise.exceptions import IntegrityError

from domain import eventlog, sql
from domain.enums import ContractKind, ContractStatus, EventType, HomesScope, Role, TaxKind, TaxStatus
from domain.errors import DomainError, violates_unique
from domain.models import Contract, ContractBuyer, ContractSeller, Party, Property, TaxRecord
from domain.rules import deed_tax, validation
from domain.rules.seller_taxes import SellerTax, seller_taxes
from domain.services.completion import complete_if_ready
from domain.services.context import UseCase
from domain.services.homes import homes_owned
from domain.services.resale import ownership_holders
from domain.timeutil import business_date
from domain.unit_of_work import UnitOfWork

SELLER_TAX_KINDS = (TaxKind.VAT, TaxKind.INDIVIDUAL_INCOME_TAX)


PartyOfContract = TypeVar("PartyOfContract", ContractBuyer, ContractSeller)


async def _filed_contract_declared_by(
    use_case: UseCase, contract_id: int, side: type[PartyOfContract], forbidden: str
) -> tuple[Contract, list[PartyOfContract]]:
    """The filed contract a tax is assessed on and its taxpayers (its buyers or its sellers, in
    order); a BUYER-role declarant must be one of them."""
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    taxpayers = list(await side.filter(contract_id=contract.id).order_by("position"))
    viewer = use_case.viewer
    if viewer.role == Role.BUYER and viewer.party_id not in {t.party_id for t in taxpayers}:
        raise DomainError("FORBIDDEN", forbidden)
    if contract.status != ContractStatus.FILED:
        raise DomainError("INVALID_STATE", "taxes are assessed on a filed contract", ["input", "contractId"])
    return contract, taxpayers


async def assess_deed_tax(use_case: UseCase, contract_id: int) -> list[TaxRecord]:
    """One record per buyer, from the contract and the buyer's family home count."""
    use_case.require_role(Role.TAX, Role.BUYER, action="assess deed tax")
    contract, buyers = await _filed_contract_declared_by(
        use_case, contract_id, ContractBuyer, "a buyer declares deed tax only for their own contract"
    )
    prop = await Property.get(id=contract.property_id)
    parties = {p.id: p for p in await Party.filter(id__in=[b.party_id for b in buyers])}
    fractions = deed_tax.shares(len(buyers), [b.share for b in buyers])
    drafts = []
    for buyer, fraction in zip(buyers, fractions, strict=True):
        family = await homes_owned(
            parties[buyer.party_id].id_number,
            HomesScope.FAMILY,
            use_case.now(),
            use_case.today(),
            exclude_contract_id=contract.id,
        )
        tax_rate = deed_tax.rate(use_case.policy, prop.usage, prop.building_area, family.count)
        drafts.append((buyer.party_id, family.count, deed_tax.deed_tax(contract.price, fraction, tax_rate)))
    async with use_case.unit_of_work() as uow:
        # A resale's seller taxes are the sellers' own records: deed tax leaves them alone.
        replaced = await _cancel_earlier(
            uow, contract.id, [TaxKind.DEED_TAX], "deed tax on this contract is paid already; it is not assessed again"
        )
        records = [
            await _assessed(uow, use_case, contract.id, prop.id, party_id, homes, TaxKind.DEED_TAX, tax)
            for party_id, homes, tax in drafts
        ]
        await uow.record(
            *[
                eventlog.NewEvent(
                    EventType.TAX_ASSESSED,
                    eventlog.EventRefs(property_id=prop.id, contract_id=contract.id, tax_record_id=r.id),
                    {
                        "taxRecordId": r.id,
                        "taxpayer": parties[r.taxpayer_id].id_number,
                        "familyHomesBefore": r.family_homes_before,
                        "taxableAmount": r.taxable_amount,
                        "rate": r.rate,
                        "amount": r.amount,
                        "replaces": replaced,
                        "declaredBy": use_case.viewer.role,
                    },
                )
                for r in records
            ]
        )
        await uow.commit()
    return records


async def assess_seller_taxes(use_case: UseCase, contract_id: int) -> list[TaxRecord]:
    """A resale's VAT and individual income tax, one of each per seller (DESIGN §7)."""
    use_case.require_role(Role.TAX, Role.BUYER, action="assess a seller's taxes")
    contract, sellers = await _filed_contract_declared_by(
        use_case, contract_id, ContractSeller, "a seller declares the seller's taxes only for their own contract"
    )
    if contract.kind != ContractKind.RESALE:
        raise DomainError("INVALID_STATE", "a new home's seller pays no resale taxes", ["input", "contractId"])
    prop = await Property.get(id=contract.property_id)
    held = {h.party_id: h for h in await ownership_holders(None, prop.id)}
    if any(s.party_id not in held for s in sellers):
        raise DomainError("INVALID_STATE", "the sellers no longer hold this home", ["input", "contractId"])
    parties = {p.id: p for p in await Party.filter(id__in=[s.party_id for s in sellers])}
    fractions = deed_tax.shares(len(sellers), [s.share for s in sellers])
    today = use_case.today()
    drafts = []
    for seller, fraction in zip(sellers, fractions, strict=True):
        family = await homes_owned(parties[seller.party_id].id_number, HomesScope.FAMILY, use_case.now(), today)
        registered_at = held[seller.party_id].registered_at
        since = business_date(registered_at, use_case.policy) if registered_at else today
        for tax in seller_taxes(use_case.policy.seller_taxes, contract.price, fraction, since, today, family.count):
            drafts.append((seller.party_id, family.count, tax))
    async with use_case.unit_of_work() as uow:
        replaced = await _cancel_earlier(
            uow,
            contract.id,
            list(SELLER_TAX_KINDS),
            "a seller's tax on this contract is paid already; they are not assessed again",
        )
        records = [
            (await _assessed(uow, use_case, contract.id, prop.id, party_id, homes, tax.kind, tax), tax.exemption)
            for party_id, homes, tax in drafts
        ]
        await uow.record(
            *[
                eventlog.NewEvent(
                    EventType.TAX_ASSESSED,
                    eventlog.EventRefs(property_id=prop.id, contract_id=contract.id, tax_record_id=r.id),
                    {
                        "taxRecordId": r.id,
                        "kind": r.kind,
                        "taxpayer": parties[r.taxpayer_id].id_number,
                        "familyHomes": r.family_homes_before,
                        "taxableAmount": r.taxable_amount,
                        "rate": r.rate,
                        "amount": r.amount,
                        "exemption": exemption,
                        "replaces": replaced,
                        "declaredBy": use_case.viewer.role,
                    },
                )
                for r, exemption in records
            ]
        )
        await uow.commit()
    return [r for r, _ in records]


async def record_tax_payment(use_case: UseCase, tax_record_id: int, amount: Decimal, voucher_number: str) -> TaxRecord:
    """Record a payment; the last one of a contract lets the home pass to its buyers at once."""
    use_case.require_role(Role.TAX, action="record tax payments")
    amount = validation.money(amount, ["input", "amount"])
    voucher = validation.required_text(voucher_number, ["input", "voucherNumber"], 64)

    def duplicate() -> DomainError:
        return DomainError("DUPLICATE", f"voucher {voucher} is recorded already", ["input", "voucherNumber"])

    found = await TaxRecord.get_or_none(id=tax_record_id)
    if found is None:
        raise DomainError("NOT_FOUND", "no such tax record", ["input", "taxRecordId"])
    try:
        async with use_case.unit_of_work() as uow:
            # Property first: the order every transfer takes its locks in.
            prop = await uow.lock(Property, found.property_id)
            record = await uow.lock(TaxRecord, found.id)
            assert prop is not None and record is not None  # neither is ever deleted
            if record.status != TaxStatus.ASSESSED:
                raise DomainError(
                    "INVALID_STATE", f"the tax record is {record.status.value.lower()}", ["input", "taxRecordId"]
                )
            if amount != record.amount:
                raise DomainError(
                    "INVALID_INPUT", f"the assessed amount is {record.amount}, not {amount}", ["input", "amount"]
                )
            if await TaxRecord.filter(voucher_number=voucher).using_db(uow.conn).exists():
                raise duplicate()
            record.status, record.paid_at, record.voucher_number = TaxStatus.PAID, use_case.now(), voucher
            # Written now: whether the home can pass to its buyers is read with this payment made.
            await uow.execute(
                sql.update(
                    TaxRecord,
                    record.id,
                    {"status": record.status, "paid_at": record.paid_at, "voucher_number": voucher},
                )
            )
            refs = eventlog.EventRefs(
                property_id=record.property_id, contract_id=record.contract_id, tax_record_id=record.id
            )
            payload = {"taxRecordId": record.id, "amount": record.amount, "voucherNumber": voucher}
            transferred = await complete_if_ready(uow, use_case, prop)
            await uow.record(eventlog.NewEvent(EventType.TAX_PAID, refs, payload), *transferred)
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "tax_record", "voucher_number"):
            raise duplicate() from exc
        raise
    return record


async def _cancel_earlier(uow: UnitOfWork, contract_id: int, kinds: list[TaxKind], paid_already: str) -> list[int]:
    """A new assessment replaces the earlier ones of these kinds, unless one of them is paid; their ids."""
    earlier = await uow.lock_where(
        TaxRecord,
        f"contract_id = ? AND status <> ? AND kind IN ({', '.join('?' * len(kinds))})",
        [contract_id, TaxStatus.CANCELLED.value, *(k.value for k in kinds)],
    )
    if any(r.status == TaxStatus.PAID for r in earlier):
        raise DomainError("INVALID_STATE", paid_already, ["input", "contractId"])
    await uow.write(*sql.update_where(TaxRecord, [r.id for r in earlier], {"status": TaxStatus.CANCELLED}))
    return [r.id for r in earlier]


async def _assessed(
    uow: UnitOfWork,
    use_case: UseCase,
    contract_id: int,
    property_id: int,
    taxpayer_id: int,
    family_homes_before: int,
    kind: TaxKind,
    tax: deed_tax.DeedTax | SellerTax,
) -> TaxRecord:
    """One ASSESSED record of `tax` (a deed tax or a seller's tax: amount, rate, taxable amount)."""
    values = {
        "kind": kind,
        "contract_id": contract_id,
        "property_id": property_id,
        "taxpayer_id": taxpayer_id,
        "family_homes_before": family_homes_before,
        "taxable_amount": tax.taxable_amount,
        "rate": tax.rate,
        "amount": tax.amount,
        "status": TaxStatus.ASSESSED,
        "assessed_at": use_case.now(),
    }
    record = TaxRecord(**values)
    record.id = await uow.insert(TaxRecord, values)
    return record
