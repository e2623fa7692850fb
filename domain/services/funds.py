"""recordFundDeposit: banks push buyers' payments and the maintenance fund (DESIGN §2 step 4)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from tortoise import connections
from tortoise.exceptions import IntegrityError

from domain import eventlog, sql, visibility
from domain.enums import ContractStatus, EventType, FundKind, Role
from domain.errors import DomainError, violates_unique
from domain.models import Contract, FundDeposit
from domain.rules import validation
from domain.services.context import UseCase

_FACTS_SQL = """
SELECT {contract}, pm.supervising_bank_id
  FROM contract c JOIN property p ON p.id = c.property_id LEFT JOIN permit pm ON pm.id = p.permit_id
 WHERE c.id = ?
"""


class _Created(NamedTuple):
    id: int


class _Bank(NamedTuple):
    supervising_bank_id: int | None


def _may_record(use_case: UseCase, supervising_bank_id: int | None, kind: FundKind, contract: Contract) -> None:
    viewer = use_case.viewer
    if kind == FundKind.RESALE_ESCROW:
        # 存量房交易资金监管: the escrow bank the resale names, and only it.
        if viewer.role != Role.BANK or contract.escrow_bank_id is None or contract.escrow_bank_id != viewer.party_id:
            raise DomainError("FORBIDDEN", "only the escrow bank the resale names records its escrow deposits")
    elif kind == FundKind.PRESALE_SUPERVISED:
        if viewer.role != Role.BANK or supervising_bank_id is None or supervising_bank_id != viewer.party_id:
            raise DomainError(
                "FORBIDDEN", "only the permit's supervising bank records payments into the supervised account"
            )
    elif viewer.role not in (Role.BANK, Role.HOUSING):
        raise DomainError("FORBIDDEN", "only a bank or the housing bureau records the maintenance fund")


async def record_fund_deposit(
    use_case: UseCase, contract_id: int, kind: FundKind, amount: Decimal, bank_reference: str
) -> tuple[FundDeposit, Contract]:
    """The deposit and the contract it was paid for."""
    use_case.require_role(Role.BANK, Role.HOUSING, action="record deposits")
    columns = sql.columns_of(Contract)
    conn = connections.get("default")
    rows = await sql.fetch_with_model(
        conn, Contract, columns, _FACTS_SQL.format(contract=", ".join(f"c.{c}" for c in columns)), [contract_id], _Bank
    )
    if not rows:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    [(contract, bank)] = rows
    _may_record(use_case, bank.supervising_bank_id, kind, contract)
    if contract.status == ContractStatus.CANCELLED:
        raise DomainError("INVALID_STATE", "the contract is cancelled", ["input", "contractId"])
    amount = validation.money(amount, ["input", "amount"])
    reference = validation.required_text(bank_reference, ["input", "bankReference"], 64)
    deposit = FundDeposit(
        contract_id=contract.id,
        kind=kind,
        amount=amount,
        bank_reference=reference,
        depositor_id=use_case.viewer.party_id,
        deposited_at=use_case.now(),
    )
    refs = eventlog.EventRefs(property_id=contract.property_id, contract_id=contract.id)
    payload = {"contractId": contract.id, "kind": kind, "amount": amount, "bankReference": reference}
    recorder = frozenset({use_case.viewer.party_id}) if use_case.viewer.party_id else frozenset()
    try:
        # Nothing is read in the unit of work: on PostgreSQL it goes as one statement.
        async with use_case.unit_of_work() as uow:
            await uow.write(
                sql.insert(
                    FundDeposit,
                    {
                        name: getattr(deposit, name)
                        for name in ("contract_id", "kind", "amount", "bank_reference", "depositor_id", "deposited_at")
                    },
                    returning="id",
                )
            )
            await uow.record(eventlog.NewEvent(EventType.FUNDS_DEPOSITED, refs, payload, recorder))
            [created] = map(sql.named(_Created), await uow.commit())
            deposit.id = created.id
    except IntegrityError as exc:
        if violates_unique(exc, "fund_deposit", "kind", "bank_reference"):  # recorded already
            raise DomainError(
                "DUPLICATE", f"bank reference {reference} is recorded already", ["input", "bankReference"]
            ) from exc
        raise
    return deposit, visibility.vouch(contract, visibility.Vouched(supervising_bank_id=bank.supervising_bank_id))
