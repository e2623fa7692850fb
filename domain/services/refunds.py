"""recordFundRefund: the supervising bank pays the buyers' supervised money back after a
withdrawn sale (退房退款), never more than is due, each bank reference once."""

from __future__ import annotations

from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from domain import eventlog, visibility
from domain.enums import EventType, FundKind, Role
from domain.errors import DomainError, violates_unique
from domain.models import Contract, FundDeposit, FundRefund, Permit, Property
from domain.rules import validation
from domain.rules.refunds import refund_due
from domain.services.context import UseCase


async def due_for(conn: BaseDBAsyncClient | None, contract: Contract) -> Decimal:
    deposits = FundDeposit.filter(contract_id=contract.id, kind=FundKind.PRESALE_SUPERVISED)
    refunds = FundRefund.filter(contract_id=contract.id)
    if conn is not None:
        deposits, refunds = deposits.using_db(conn), refunds.using_db(conn)
    # Summed here, as Decimals: SQLite would sum them as floats.
    return refund_due(contract.status, [d.amount for d in await deposits], [r.amount for r in await refunds])


async def record_fund_refund(
    use_case: UseCase, contract_id: int, amount: Decimal, bank_reference: str
) -> tuple[FundRefund, Contract]:
    use_case.require_role(Role.BANK, action="record refunds from the supervised account")
    found = await visibility.contracts(use_case.viewer, Contract.filter(id=contract_id)).first()
    if found is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    prop = await Property.get(id=found.property_id)
    permit = await Permit.get_or_none(id=prop.permit_id) if prop.permit_id else None
    if permit is None or permit.supervising_bank_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the permit's supervising bank refunds from the supervised account")
    amount = validation.money(amount, ["input", "amount"])
    reference = validation.required_text(bank_reference, ["input", "bankReference"], 64)
    try:
        async with use_case.unit_of_work() as uow:
            contract = await uow.lock(Contract, found.id)
            assert contract is not None  # contracts are never deleted
            due = await due_for(uow.conn, contract)
            if due == 0:
                raise DomainError(
                    "INVALID_STATE",
                    "nothing is due for refund: the sale is not withdrawn, or all is refunded",
                    ["input", "contractId"],
                )
            validation.not_more_than(amount, due, ["input", "amount"], "the amount due for refund")
            values = {
                "contract_id": contract.id,
                "amount": amount,
                "bank_reference": reference,
                "refunder_id": use_case.viewer.party_id,
                "refunded_at": use_case.now(),
            }
            refund = FundRefund(**values)
            refund.id = await uow.insert(FundRefund, values)
            refs = eventlog.EventRefs(property_id=contract.property_id, contract_id=contract.id)
            payload = {
                "contractId": contract.id,
                "amount": amount,
                "bankReference": reference,
                "stillDue": due - amount,
            }
            recorder = frozenset({use_case.viewer.party_id}) if use_case.viewer.party_id else frozenset()
            await uow.record(eventlog.NewEvent(EventType.FUNDS_REFUNDED, refs, payload, recorder))
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "fund_refund", "bank_reference"):  # recorded already
            raise DomainError(
                "DUPLICATE", f"bank reference {reference} is recorded already", ["input", "bankReference"]
            ) from exc
        raise
    return refund, contract
