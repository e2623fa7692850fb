"""fileContract (网签即时备案) and cancelContract (DESIGN §2 steps 5 and 10).

Filing locks the property row first, so filings of one home queue behind each other and the
second sees the first; the unique `filed_property_id` column is the database's own guarantee
underneath, should any path ever skip the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from tortoise.exceptions import IntegrityError

from domain import eventlog, sql, visibility
from domain.enums import (
    ContractKind,
    ContractStatus,
    EventType,
    FundKind,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError, violates_unique
from domain.models import (
    Contract,
    ContractBuyer,
    ContractSeller,
    FundDeposit,
    Party,
    Permit,
    Property,
    Registration,
    RegistrationParty,
    RuleCheck,
    SharedPersonRecord,
)
from domain.rules import funds, validation
from domain.rules.filing import FilingFacts, ResaleFilingFacts, filing_refusal, resale_filing_refusal
from domain.rules.numbering import contract_number, contract_sequence_name
from domain.rules.property_status import derive_status
from domain.services import encumbrances
from domain.services.context import UseCase
from domain.services.fees import fee_of
from domain.services.property_status import property_status_update
from domain.services.resale import mortgages_without_consent, ownership_holders
from domain.unit_of_work import UnitOfWork


def already_sold() -> DomainError:
    """A new error each time: a shared instance would carry every earlier raise's traceback."""
    return DomainError("ALREADY_SOLD", "this home is sold already: another contract for it is filed")


@dataclass(frozen=True)
class _Buyer:
    party: Party
    share: Decimal | None
    record: SharedPersonRecord | None
    signed: bool


@dataclass(frozen=True)
class _Facts:
    """Everything filing reads, in two statements, after the property and contract are locked."""

    rules: FilingFacts
    buyers: list[_Buyer]
    seller: Party
    ownership_in_force: bool
    advance_notice_in_force: bool
    permit_developer_id: int | None


_FACTS_SQL = """
SELECT s.id, s.name, s.id_number, s.kind, pm.status, pm.developer_id, pm.sale_type,
       EXISTS (SELECT 1 FROM signature g WHERE g.contract_id = ? AND g.document_hash = ? AND g.signer_id = s.id),
       EXISTS (SELECT 1 FROM contract o WHERE o.property_id = ? AND o.status = ? AND o.id <> ?),
       EXISTS (SELECT 1 FROM registration_party h JOIN registration r ON r.id = h.registration_id
                WHERE r.property_id = ? AND r.kind IN (?, ?, ?) AND r.right_status = ? AND h.role = ?
                  AND h.party_id <> s.id),
       EXISTS (SELECT 1 FROM registration z WHERE z.property_id = ? AND z.kind = ? AND z.right_status = ?
                  AND (z.effective_until IS NULL OR z.effective_until >= ?)),
       EXISTS (SELECT 1 FROM registration o WHERE o.property_id = ? AND o.kind IN (?, ?) AND o.right_status = ?),
       EXISTS (SELECT 1 FROM registration n WHERE n.property_id = ? AND n.kind = ? AND n.right_status = ?)
  FROM party s LEFT JOIN permit pm ON pm.id = ?
 WHERE s.id = ?
"""

# The buyers, and (in the same round trip) the deposits: amounts are summed here, as
# Decimals, because SQLite would sum them as floats.
_BUYERS_AND_DEPOSITS_SQL = """
SELECT 'buyer', cb.position, a.id, a.name, a.id_number, a.kind, cb.share,
       sp.id_number, sp.name, sp.household_address, sp.marital_status,
       EXISTS (SELECT 1 FROM signature g
                WHERE g.contract_id = cb.contract_id AND g.document_hash = ? AND g.signer_id = a.id)
  FROM contract_buyer cb JOIN party a ON a.id = cb.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE cb.contract_id = ?
UNION ALL
SELECT 'deposit', NULL, NULL, d.kind, NULL, NULL, d.amount, NULL, NULL, NULL, NULL, NULL
  FROM fund_deposit d WHERE d.contract_id = ?
"""


class _FactsRow(NamedTuple):
    seller_id: int
    seller_name: str
    seller_id_number: str
    seller_kind: str
    permit_status: str | None
    permit_developer_id: int | None
    permit_sale_type: str | None
    seller_signed: Any
    another_contract_filed: Any
    rights_of_others_in_force: Any
    seizure_in_force: Any
    ownership_in_force: Any
    advance_notice_in_force: Any


class _BuyerOrDepositRow(NamedTuple):
    source: str  # 'buyer' or 'deposit'
    position: int | None
    party_id: int | None
    name_or_kind: str | None  # the buyer's name; the deposit's kind
    id_number: str | None
    party_kind: str | None
    share_or_amount: Any  # the buyer's share; the deposit's amount
    record_id_number: str | None
    record_name: str | None
    record_household_address: str | None
    record_marital_status: str | None
    signed: Any


async def _read_facts(uow: UnitOfWork, use_case: UseCase, contract: Contract, prop: Property) -> _Facts:
    in_force, hash_ = RightStatus.IN_FORCE.value, contract.document_hash
    [row] = await uow.fetch(
        _FACTS_SQL,
        [
            contract.id,
            hash_,
            prop.id,
            ContractStatus.FILED.value,
            contract.id,
            prop.id,
            RegistrationKind.FIRST_OWNERSHIP.value,
            RegistrationKind.TRANSFER.value,
            RegistrationKind.ADVANCE_NOTICE.value,
            in_force,
            RegistrationPartyRole.RIGHT_HOLDER.value,
            prop.id,
            RegistrationKind.SEIZURE.value,
            in_force,
            use_case.today(),
            prop.id,
            RegistrationKind.FIRST_OWNERSHIP.value,
            RegistrationKind.TRANSFER.value,
            in_force,
            prop.id,
            RegistrationKind.ADVANCE_NOTICE.value,
            in_force,
            prop.permit_id,
            contract.seller_id,
        ],
        _FactsRow,
    )
    rows = await uow.fetch(_BUYERS_AND_DEPOSITS_SQL, [hash_, contract.id, contract.id], _BuyerOrDepositRow)
    buyers = [
        _Buyer(
            sql.model_from(Party, id=r.party_id, name=r.name_or_kind, id_number=r.id_number, kind=r.party_kind),
            sql.model_from(ContractBuyer, share=r.share_or_amount).share,
            sql.model_from(
                SharedPersonRecord,
                id_number=r.record_id_number,
                name=r.record_name,
                household_address=r.record_household_address,
                marital_status=r.record_marital_status,
            )
            if r.record_id_number is not None
            else None,
            bool(r.signed),
        )
        for r in sorted((r for r in rows if r.source == "buyer"), key=lambda r: r.position or 0)
    ]
    deposited = {kind: Decimal("0.00") for kind in FundKind}
    for r in rows:
        if r.source == "deposit":
            deposited[FundKind(r.name_or_kind)] += sql.model_from(FundDeposit, amount=r.share_or_amount).amount
    seller = sql.model_from(
        Party, id=row.seller_id, name=row.seller_name, id_number=row.seller_id_number, kind=row.seller_kind
    )
    permit = (
        sql.model_from(
            Permit, status=row.permit_status, developer_id=row.permit_developer_id, sale_type=row.permit_sale_type
        )
        if row.permit_status is not None
        else None
    )
    rules = FilingFacts(
        status=contract.status,
        required_signers=frozenset(b.party.id for b in buyers) | {contract.seller_id},
        signers_of_current_text=frozenset(b.party.id for b in buyers if b.signed)
        | ({seller.id} if row.seller_signed else set()),
        permit_status=permit.status if permit else None,
        permit_covers_property=permit is not None and permit.developer_id == contract.seller_id,
        another_contract_filed=bool(row.another_contract_filed),
        rights_of_others_in_force=bool(row.rights_of_others_in_force),
        seizure_in_force=bool(row.seizure_in_force),
        supervised_deposited=deposited[FundKind.PRESALE_SUPERVISED],
        supervised_required=funds.required_supervised_amount(
            permit.sale_type if permit else None, contract.down_payment
        ),
        maintenance_deposited=deposited[FundKind.MAINTENANCE],
        maintenance_required=funds.required_maintenance_fund(
            prop.usage, prop.building_area, use_case.policy.maintenance_rate_per_m2
        ),
    )
    return _Facts(
        rules,
        buyers,
        seller,
        ownership_in_force=bool(row.ownership_in_force),
        advance_notice_in_force=bool(row.advance_notice_in_force),
        permit_developer_id=row.permit_developer_id,
    )


def application_form(contract: Contract, prop: Property, buyers: list[_Buyer], seller: Party) -> dict[str, Any]:
    """The advance-notice application, filled from the contract, the parties and shared data."""
    shares = [b.share for b in buyers]
    return {
        "registrationType": "预购商品房预告登记",
        "contractNumber": contract.number,
        "property": {
            "unitCode": prop.unit_code,
            "address": prop.address,
            "building": prop.building,
            "floor": prop.floor,
            "room": prop.room,
            "buildingArea": str(prop.building_area),
            "usage": prop.usage.value,
        },
        "rightHolders": [
            {
                "name": b.party.name,
                "idNumber": b.party.id_number,
                "share": str(b.share) if b.share is not None else None,
                "householdAddress": b.record.household_address if b.record else None,
                "maritalStatus": b.record.marital_status.value if b.record else None,
            }
            for b in buyers
        ],
        "ownershipForm": "按份共有"
        if any(s is not None for s in shares)
        else "共同共有"
        if len(buyers) > 1
        else "单独所有",
        "obligor": {"name": seller.name, "idNumber": seller.id_number},
        "price": str(contract.price),
        "paymentMethod": contract.payment_method.value,
        "deliveryWithCertificate": contract.delivery_with_certificate,
    }


async def file_contract(use_case: UseCase, contract_id: int) -> tuple[Contract, Registration | None]:
    use_case.require_role(Role.DEVELOPER, Role.HOUSING, Role.BUYER, action="file sales contracts")
    if use_case.viewer.role == Role.BUYER:
        return await file_resale(use_case, contract_id), None
    try:
        async with use_case.unit_of_work() as uow:
            # The property first: filings (and cancellations) of one home queue here.
            prop = await _lock_property_of(uow, contract_id)
            contract = await uow.lock(Contract, contract_id) if prop is not None else None
            if prop is None or contract is None:
                raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
            if use_case.viewer.role == Role.DEVELOPER and contract.seller_id != use_case.viewer.party_id:
                raise DomainError("FORBIDDEN", "only the seller or the housing bureau files a contract")
            if contract.kind == ContractKind.RESALE:
                await _file_resale_locked(uow, use_case, contract, prop)
                await uow.commit()
                return contract, None
            # Read after both locks, so the facts include whatever a filing before this one wrote.
            facts = await _read_facts(uow, use_case, contract, prop)
            refusal = filing_refusal(facts.rules)
            if refusal is not None:
                raise refusal
            registration = await _file(uow, use_case, contract, prop, facts)
            await uow.commit()
        # Its parties are the buyers just written; the developer holds the permit read above.
        visibility.vouch(
            registration,
            visibility.Vouched(
                persons=frozenset(b.party.id for b in facts.buyers), developer_id=facts.permit_developer_id
            ),
        )
    except IntegrityError as exc:
        if violates_unique(exc, "contract", "filed_property_id"):  # another filing of this home won
            raise already_sold() from exc
        raise
    return contract, registration


async def _lock_property_of(uow: UnitOfWork, contract_id: int) -> Property | None:
    """The contract's property, locked first: filings (and cancellations) of one home queue here."""
    rows = await uow.lock_where(Property, "id = (SELECT property_id FROM contract WHERE id = ?)", [contract_id])
    return rows[0] if rows else None


async def _file(uow: UnitOfWork, use_case: UseCase, contract: Contract, prop: Property, facts: _Facts) -> Registration:
    now, year = use_case.now(), use_case.today().year
    form = application_form(contract, prop, facts.buyers, facts.seller)
    registration = Registration(
        kind=RegistrationKind.ADVANCE_NOTICE,
        status=RegistrationStatus.AWAITING_SIGNATURE,
        right_status=RightStatus.PENDING,
        property_id=prop.id,
        contract_id=contract.id,
        application_form=form,
        created_at=now,
        fee=fee_of(use_case, RegistrationKind.ADVANCE_NOTICE, prop.usage),
    )
    registration.id = await uow.insert(
        Registration,
        {
            name: getattr(registration, name)
            for name in (
                "kind",
                "status",
                "right_status",
                "property_id",
                "contract_id",
                "application_form",
                "created_at",
                "fee",
            )
        },
    )
    refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id, registration_id=registration.id)
    await uow.write(
        *sql.insert_many(
            RegistrationParty,
            [
                {
                    "registration_id": registration.id,
                    "party_id": b.party.id,
                    "role": role,
                    "position": i,
                    "inquiry_answer": None,
                }
                for role in (RegistrationPartyRole.RIGHT_HOLDER, RegistrationPartyRole.APPLICANT)
                for i, b in enumerate(facts.buyers)
            ],
        )
    )
    status = derive_status(facts.ownership_in_force, facts.advance_notice_in_force, contract_filed=True)
    if status != prop.status:
        prop.status = status
        await uow.write(sql.update(Property, prop.id, {"status": status}))
    # The county-wide contract counter is a hot row, locked until commit: taken last, and
    # only what carries the number is made ready after it.
    [value] = await uow.next_values(contract_sequence_name(year))
    contract.number = contract_number(use_case.policy, year, value)
    contract.status, contract.filed_at, contract.filed_property_id = ContractStatus.FILED, now, prop.id
    registration.application_form = {**form, "contractNumber": contract.number}
    payload = {
        "contractId": contract.id,
        "number": contract.number,
        "unitCode": prop.unit_code,
        "price": contract.price,
        "buyers": [b.party.id_number for b in facts.buyers],
        "seller": facts.seller.id_number,
        "lenderId": contract.lender_id,
        "advanceRegistrationId": registration.id,
    }
    await uow.write(
        sql.update(
            Contract,
            contract.id,
            {"status": contract.status, "filed_at": now, "filed_property_id": prop.id, "number": contract.number},
        ),
        sql.update(Registration, registration.id, {"application_form": registration.application_form}),
    )
    await uow.record(eventlog.NewEvent(EventType.CONTRACT_FILED, refs, payload))
    return registration


async def cancel_contract(use_case: UseCase, contract_id: int, reason: str) -> Contract:
    use_case.require_role(Role.HOUSING, action="cancel sales contracts")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    async with use_case.unit_of_work() as uow:
        # Property first, then contract: the same order as filing, so the two never deadlock.
        prop = await _lock_property_of(uow, contract_id)
        contract = await uow.lock(Contract, contract_id) if prop is not None else None
        if prop is None or contract is None:
            raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
        if contract.status == ContractStatus.CANCELLED:
            raise DomainError("INVALID_STATE", "the contract is cancelled already", ["input", "contractId"])
        await _refuse_while_rights_stand(uow, use_case, contract)
        was_filed = contract.status == ContractStatus.FILED
        now = use_case.now()
        contract.status, contract.cancelled_at, contract.cancel_reason, contract.filed_property_id = (
            ContractStatus.CANCELLED,
            now,
            reason,
            None,
        )
        # Written now: the property's status below is read with the contract cancelled.
        await uow.execute(
            sql.update(
                Contract,
                contract.id,
                {"status": contract.status, "cancelled_at": now, "cancel_reason": reason, "filed_property_id": None},
            )
        )
        withdrawn = await _withdraw_pending_registrations(uow, contract, now)
        await uow.write(*await property_status_update(uow, prop))
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id)
        payload = {
            "contractId": contract.id,
            "number": contract.number,
            "reason": reason,
            "wasFiled": was_filed,
            "withdrawnRegistrations": withdrawn,
        }
        await uow.record(eventlog.NewEvent(EventType.CONTRACT_CANCELLED, refs, payload))
        await uow.commit()
    return contract


async def _refuse_while_rights_stand(uow: UnitOfWork, use_case: UseCase, contract: Contract) -> None:
    in_force = (
        await Registration.filter(
            contract_id=contract.id,
            right_status=RightStatus.IN_FORCE,
            kind__in=(RegistrationKind.ADVANCE_NOTICE, RegistrationKind.ADVANCE_MORTGAGE),
        )
        .using_db(uow.conn)
        .exists()
    )
    mortgage_in_force = (
        await Registration.filter(
            mortgage__contract_id=contract.id,
            right_status=RightStatus.IN_FORCE,
            kind=RegistrationKind.ADVANCE_MORTGAGE,
        )
        .using_db(uow.conn)
        .exists()
    )
    if in_force or mortgage_in_force:
        raise DomainError("ENCUMBERED", "release the advance notice and advance mortgage of this contract first")
    if await encumbrances.seizure_in_force(uow.conn, contract.property_id, use_case.today()):
        raise DomainError("ENCUMBERED", "the property is seized (查封)")


async def _withdraw_pending_registrations(uow: UnitOfWork, contract: Contract, now: datetime) -> list[int]:
    """Applications generated from the contract that were never decided end with it."""
    pending = (
        await Registration.filter(
            contract_id=contract.id,
            status__in=(
                RegistrationStatus.AWAITING_SIGNATURE,
                RegistrationStatus.SUBMITTED,
                RegistrationStatus.IN_REVIEW,
            ),
        )
        .using_db(uow.conn)
        .order_by("id")
        .values_list("id", flat=True)
    )
    ids = cast("list[int]", pending)
    await uow.write(
        *sql.update_where(Registration, ids, {"status": RegistrationStatus.REJECTED}),
        *sql.insert_many(
            RuleCheck,
            [
                {
                    "registration_id": i,
                    "rule": "CONTRACT_FILED",
                    "passed": False,
                    "message": "the sales contract was cancelled",
                    "position": 0,
                }
                for i in ids
            ],
        ),
    )
    return ids


# A resale (存量房买卖, DESIGN §7): no advance notice, no supervised account nor maintenance fund.
# The deposits first: PostgreSQL types each column of a UNION from its first branches.
_RESALE_FACTS_SQL = """
SELECT 'escrow', CAST(NULL AS INTEGER), d.amount FROM fund_deposit d WHERE d.contract_id = ? AND d.kind = ?
UNION ALL SELECT 'signer', g.signer_id, NULL FROM signature g WHERE g.contract_id = ? AND g.document_hash = ?
UNION ALL SELECT 'buyer', b.party_id, NULL FROM contract_buyer b WHERE b.contract_id = ?
UNION ALL SELECT 'seller', s.party_id, NULL FROM contract_seller s WHERE s.contract_id = ?
UNION ALL SELECT 'filed', o.id, NULL FROM contract o
 WHERE o.property_id = ? AND o.status = ? AND o.id <> ?
   AND NOT EXISTS (SELECT 1 FROM registration t WHERE t.contract_id = o.id AND t.kind = ? AND t.status = ?)
UNION ALL SELECT r.kind, r.id, NULL FROM registration r
 WHERE r.property_id = ? AND r.right_status = ? AND r.kind IN (?, ?, ?, ?, ?)
   AND (r.effective_until IS NULL OR r.effective_until >= ?)
"""


class _ResaleFactRow(NamedTuple):
    source: str
    id: int | None
    amount: Any


async def file_resale(use_case: UseCase, contract_id: int) -> Contract:
    """fileContract by a seller of a resale (a person, amr face)."""
    try:
        async with use_case.unit_of_work() as uow:
            prop = await _lock_property_of(uow, contract_id)
            contract = await uow.lock(Contract, contract_id) if prop is not None else None
            if prop is None or contract is None:
                raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
            sellers = {s.party_id for s in await ContractSeller.filter(contract_id=contract.id).using_db(uow.conn)}
            if contract.kind != ContractKind.RESALE or use_case.viewer.party_id not in sellers:
                raise DomainError("FORBIDDEN", "only a seller of a resale, or the housing bureau, files it")
            await _file_resale_locked(uow, use_case, contract, prop)
            await uow.commit()
    except IntegrityError as exc:
        if violates_unique(exc, "contract", "filed_property_id"):
            raise already_sold() from exc
        raise
    return contract


async def _file_resale_locked(uow: UnitOfWork, use_case: UseCase, contract: Contract, prop: Property) -> None:
    rows = await uow.fetch(
        _RESALE_FACTS_SQL,
        [
            contract.id,
            FundKind.RESALE_ESCROW.value,
            contract.id,
            contract.document_hash,
            contract.id,
            contract.id,
            prop.id,
            ContractStatus.FILED.value,
            contract.id,
            RegistrationKind.TRANSFER.value,
            RegistrationStatus.COMPLETED.value,
            prop.id,
            RightStatus.IN_FORCE.value,
            RegistrationKind.ADVANCE_NOTICE.value,
            RegistrationKind.SEIZURE.value,
            RegistrationKind.OBJECTION.value,
            RegistrationKind.MORTGAGE.value,
            RegistrationKind.ADVANCE_MORTGAGE.value,
            use_case.today(),
        ],
        _ResaleFactRow,
    )

    def ids(source: str) -> frozenset[int]:
        return frozenset(r.id for r in rows if r.source == source and r.id is not None)

    holders = await ownership_holders(uow.conn, prop.id)
    sellers, buyers = ids("seller"), ids("buyer")
    escrow = sum(
        (sql.model_from(FundDeposit, amount=r.amount).amount for r in rows if r.source == "escrow"), Decimal("0.00")
    )
    facts = ResaleFilingFacts(
        status=contract.status,
        required_signers=sellers | buyers,
        signers_of_current_text=ids("signer"),
        sellers=sellers,
        holders_in_force=frozenset(h.party_id for h in holders),
        another_contract_filed=bool(ids("filed")),
        rights_of_others_in_force=bool(ids(RegistrationKind.ADVANCE_NOTICE.value)),
        seizure_in_force=bool(ids(RegistrationKind.SEIZURE.value)),
        objection_in_force=bool(ids(RegistrationKind.OBJECTION.value)),
        escrow_required=contract.escrow_amount if contract.escrow_bank_id is not None else None,
        escrow_deposited=escrow,
        mortgage_in_force=bool(ids(RegistrationKind.MORTGAGE.value) | ids(RegistrationKind.ADVANCE_MORTGAGE.value)),
        mortgage_consented=await mortgages_without_consent(uow.conn, prop.id, contract.id) == 0,
    )
    refusal = resale_filing_refusal(facts)
    if refusal is not None:
        raise refusal
    now, year = use_case.now(), use_case.today().year
    # The earlier sales of this home are performed (transferred): they give up its filed slot,
    # which the unique column keeps for the one sale in progress.
    await uow.execute(
        sql.Statement(
            "UPDATE contract SET filed_property_id = NULL WHERE filed_property_id = ? AND id <> ?",
            [prop.id, contract.id],
        )
    )
    [value] = await uow.next_values(contract_sequence_name(year))
    contract.number = contract_number(use_case.policy, year, value)
    contract.status, contract.filed_at, contract.filed_property_id = ContractStatus.FILED, now, prop.id
    await uow.write(
        sql.update(
            Contract,
            contract.id,
            {"status": contract.status, "filed_at": now, "filed_property_id": prop.id, "number": contract.number},
        )
    )
    parties = {p.id: p for p in await Party.filter(id__in=list(sellers | buyers)).using_db(uow.conn)}
    payload = {
        "contractId": contract.id,
        "kind": ContractKind.RESALE,
        "number": contract.number,
        "unitCode": prop.unit_code,
        "price": contract.price,
        "buyers": sorted(parties[b].id_number for b in buyers),
        "sellers": sorted(parties[s].id_number for s in sellers),
        "seller": parties[contract.seller_id].id_number if contract.seller_id in parties else None,
        "lenderId": contract.lender_id,
        "escrowDeposited": escrow,
    }
    refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id)
    await uow.record(eventlog.NewEvent(EventType.CONTRACT_FILED, refs, payload))
