"""recordFundDeposit: banks push buyers' payments and the maintenance fund (DESIGN §2 step 4)."""
from __future__ import annotations

from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import eventlog
from domain.enums import ContractStatus, EventType, FundKind, Role
from domain.errors import DomainError
from domain.models import Contract, FundDeposit, Permit, Property
from domain.rules import validation
from domain.services.context import UseCase


async def _may_record(use_case: UseCase, contract: Contract, kind: FundKind) -> None:
    viewer = use_case.viewer
    if kind == FundKind.PRESALE_SUPERVISED:
        prop = await Property.get(id=contract.property_id)
        permit = await Permit.get_or_none(id=prop.permit_id) if prop.permit_id else None
        if viewer.role != Role.BANK or permit is None or permit.supervising_bank_id != viewer.party_id:
            raise DomainError("FORBIDDEN", "only the permit's supervising bank records payments into the supervised account")
    elif viewer.role not in (Role.BANK, Role.HOUSING):
        raise DomainError("FORBIDDEN", "only a bank or the housing bureau records the maintenance fund")


async def record_fund_deposit(
    use_case: UseCase, contract_id: int, kind: FundKind, amount: Decimal, bank_reference: str
) -> FundDeposit:
    use_case.require_role(Role.BANK, Role.HOUSING, action="record deposits")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    await _may_record(use_case, contract, kind)
    if contract.status == ContractStatus.CANCELLED:
        raise DomainError("INVALID_STATE", "the contract is cancelled", ["input", "contractId"])
    amount = validation.money(amount, ["input", "amount"])
    reference = validation.required_text(bank_reference, ["input", "bankReference"], 64)
    duplicate = DomainError("DUPLICATE", f"bank reference {reference} is recorded already", ["input", "bankReference"])
    if await FundDeposit.filter(kind=kind, bank_reference=reference).exists():
        raise duplicate
    try:
        async with in_transaction() as conn:
            deposit = await FundDeposit.create(
                contract_id=contract.id, kind=kind, amount=amount, bank_reference=reference,
                depositor_id=use_case.viewer.party_id, using_db=conn,
            )
            refs = eventlog.EventRefs(property_id=contract.property_id, contract_id=contract.id)
            payload = {"contractId": contract.id, "kind": kind, "amount": amount, "bankReference": reference}
            recorder = frozenset({use_case.viewer.party_id}) if use_case.viewer.party_id else frozenset()
            await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.FUNDS_DEPOSITED, refs, payload, recorder)])
    except IntegrityError as exc:
        raise duplicate from exc
    return deposit
