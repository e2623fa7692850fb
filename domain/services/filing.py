"""fileContract (网签即时备案) and cancelContract (DESIGN §2 steps 5 and 10).

Filing locks the property row first, so filings of one home queue behind each other and the
second sees the first; the unique `filed_property_id` column is the database's own guarantee
underneath, should any path ever skip the lock.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import eventlog, sql
from domain.enums import (
    ContractStatus,
    EventType,
    FundKind,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import (
    Contract,
    ContractBuyer,
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
from domain.rules.filing import FilingFacts, filing_refusal
from domain.rules.numbering import contract_number, contract_sequence_name
from domain.services import encumbrances
from domain.services.context import UseCase
from domain.services.property_status import derive_status, refresh_property_status
from domain.services.sequences import next_value
from domain.transactions import transaction

ALREADY_SOLD = DomainError("ALREADY_SOLD", "this home is sold already: another contract for it is filed")


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


_FACTS_SQL = """
SELECT s.id, s.name, s.id_number, s.kind, pm.status, pm.developer_id, pm.sale_type,
       EXISTS (SELECT 1 FROM signature g WHERE g.contract_id = ? AND g.document_hash = ? AND g.signer_id = s.id),
       EXISTS (SELECT 1 FROM contract o WHERE o.property_id = ? AND o.status = ? AND o.id <> ?),
       EXISTS (SELECT 1 FROM registration_party h JOIN registration r ON r.id = h.registration_id
                WHERE r.property_id = ? AND r.kind IN (?, ?, ?) AND r.right_status = ? AND h.role = ? AND h.party_id <> s.id),
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
       EXISTS (SELECT 1 FROM signature g WHERE g.contract_id = cb.contract_id AND g.document_hash = ? AND g.signer_id = a.id)
  FROM contract_buyer cb JOIN party a ON a.id = cb.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE cb.contract_id = ?
UNION ALL
SELECT 'deposit', NULL, NULL, d.kind, NULL, NULL, d.amount, NULL, NULL, NULL, NULL, NULL
  FROM fund_deposit d WHERE d.contract_id = ?
"""

_PARTY = ("id", "name", "id_number", "kind")
_RECORD = ("id_number", "name", "household_address", "marital_status")


async def _read_facts(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract, prop: Property) -> _Facts:
    in_force, hash_ = RightStatus.IN_FORCE.value, contract.document_hash
    [row] = await sql.fetch(conn, _FACTS_SQL, [
        contract.id, hash_,
        prop.id, ContractStatus.FILED.value, contract.id,
        prop.id, RegistrationKind.FIRST_OWNERSHIP.value, RegistrationKind.TRANSFER.value, RegistrationKind.ADVANCE_NOTICE.value,
        in_force, RegistrationPartyRole.RIGHT_HOLDER.value,
        prop.id, RegistrationKind.SEIZURE.value, in_force, use_case.today(),
        prop.id, RegistrationKind.FIRST_OWNERSHIP.value, RegistrationKind.TRANSFER.value, in_force,
        prop.id, RegistrationKind.ADVANCE_NOTICE.value, in_force,
        prop.permit_id, contract.seller_id,
    ])
    rows = await sql.fetch(conn, _BUYERS_AND_DEPOSITS_SQL, [hash_, contract.id, contract.id])
    buyers = [
        _Buyer(sql.read(Party, _PARTY, r[2:6]), sql.read(ContractBuyer, ("share",), r[6:7]).share,
               sql.read(SharedPersonRecord, _RECORD, r[7:11]) if r[7] is not None else None, bool(r[11]))
        for r in sorted((r for r in rows if r[0] == "buyer"), key=lambda r: r[1])
    ]
    deposited = {kind: Decimal("0.00") for kind in FundKind}
    for r in rows:
        if r[0] == "deposit":
            deposited[FundKind(r[3])] += sql.read(FundDeposit, ("amount",), r[6:7]).amount
    seller = sql.read(Party, _PARTY, row[:4])
    permit = sql.read(Permit, ("status", "developer_id", "sale_type"), row[4:7]) if row[4] is not None else None
    rules = FilingFacts(
        status=contract.status,
        required_signers=frozenset(b.party.id for b in buyers) | {contract.seller_id},
        signers_of_current_text=frozenset(b.party.id for b in buyers if b.signed) | ({seller.id} if row[7] else set()),
        permit_status=permit.status if permit else None,
        permit_covers_property=permit is not None and permit.developer_id == contract.seller_id,
        another_contract_filed=bool(row[8]),
        rights_of_others_in_force=bool(row[9]),
        seizure_in_force=bool(row[10]),
        supervised_deposited=deposited[FundKind.PRESALE_SUPERVISED],
        supervised_required=funds.required_supervised_amount(permit.sale_type if permit else None, contract.down_payment),
        maintenance_deposited=deposited[FundKind.MAINTENANCE],
        maintenance_required=funds.required_maintenance_fund(prop.usage, prop.building_area, use_case.policy.maintenance_rate_per_m2),
    )
    return _Facts(rules, buyers, seller, ownership_in_force=bool(row[11]), advance_notice_in_force=bool(row[12]))


def application_form(contract: Contract, prop: Property, buyers: list[_Buyer], seller: Party) -> dict:
    """The advance-notice application, filled from the contract, the parties and shared data."""
    shares = [b.share for b in buyers]
    return {
        "registrationType": "预购商品房预告登记",
        "contractNumber": contract.number,
        "property": {
            "unitCode": prop.unit_code, "address": prop.address, "building": prop.building, "floor": prop.floor,
            "room": prop.room, "buildingArea": str(prop.building_area), "usage": prop.usage.value,
        },
        "rightHolders": [
            {
                "name": b.party.name, "idNumber": b.party.id_number,
                "share": str(b.share) if b.share is not None else None,
                "householdAddress": b.record.household_address if b.record else None,
                "maritalStatus": b.record.marital_status.value if b.record else None,
            }
            for b in buyers
        ],
        "ownershipForm": "按份共有" if any(s is not None for s in shares) else "共同共有" if len(buyers) > 1 else "单独所有",
        "obligor": {"name": seller.name, "idNumber": seller.id_number},
        "price": str(contract.price),
        "paymentMethod": contract.payment_method.value,
        "deliveryWithCertificate": contract.delivery_with_certificate,
    }


async def file_contract(use_case: UseCase, contract_id: int) -> tuple[Contract, Registration]:
    use_case.require_role(Role.DEVELOPER, Role.HOUSING, action="file sales contracts")
    try:
        async with transaction() as conn:
            prop = await _lock_property_of(conn, contract_id)
            if prop is None:
                raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
            contract = await sql.lock(conn, Contract, contract_id)
            if use_case.viewer.role == Role.DEVELOPER and contract.seller_id != use_case.viewer.party_id:
                raise DomainError("FORBIDDEN", "only the seller or the housing bureau files a contract")
            # Read after both locks, so the facts include whatever a filing before this one wrote.
            facts = await _read_facts(conn, use_case, contract, prop)
            refusal = filing_refusal(facts.rules)
            if refusal is not None:
                raise refusal
            registration = await _file(conn, use_case, contract, prop, facts)
    except IntegrityError as exc:  # the unique filed_property_id: another filing of this home won
        raise ALREADY_SOLD from exc
    return contract, registration


async def _lock_property_of(conn: BaseDBAsyncClient, contract_id: int) -> Property | None:
    """The contract's property, locked first: filings (and cancellations) of one home queue here."""
    columns = sql.columns_of(Property)
    rows = await sql.fetch(conn, f"SELECT {', '.join(columns)} FROM property "
                                 f"WHERE id = (SELECT property_id FROM contract WHERE id = ?){sql.for_update(conn)}", [contract_id])
    return sql.read(Property, columns, rows[0]) if rows else None


async def _file(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract, prop: Property, facts: _Facts) -> Registration:
    now, year = use_case.now(), use_case.today().year
    form = application_form(contract, prop, facts.buyers, facts.seller)
    registration = Registration(
        kind=RegistrationKind.ADVANCE_NOTICE, status=RegistrationStatus.AWAITING_SIGNATURE, right_status=RightStatus.PENDING,
        property_id=prop.id, contract_id=contract.id, application_form=form, created_at=now,
    )
    [[registration.id]] = await sql.execute(conn, [sql.insert(Registration, {
        name: getattr(registration, name) for name in
        ("kind", "status", "right_status", "property_id", "contract_id", "application_form", "created_at")}, returning="id")])
    refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id, registration_id=registration.id)
    outbox = eventlog.Outbox(conn, now)
    ready = sql.insert_many(RegistrationParty, [
        {"registration_id": registration.id, "party_id": b.party.id, "role": role, "position": i, "inquiry_answer": None}
        for role in (RegistrationPartyRole.RIGHT_HOLDER, RegistrationPartyRole.APPLICANT) for i, b in enumerate(facts.buyers)
    ])
    status = derive_status(facts.ownership_in_force, facts.advance_notice_in_force, contract_filed=True)
    if status != prop.status:
        prop.status = status
        ready.append(sql.update(Property, prop.id, {"status": status}))
    await outbox.add(ready)
    # The county-wide contract counter is a hot row, locked until commit: taken last, and
    # only what carries the number is prepared after it.
    contract.number = contract_number(use_case.policy, year, await next_value(conn, contract_sequence_name(year)))
    contract.status, contract.filed_at, contract.filed_property_id = ContractStatus.FILED, now, prop.id
    registration.application_form = {**form, "contractNumber": contract.number}
    payload = {
        "contractId": contract.id, "number": contract.number, "unitCode": prop.unit_code, "price": contract.price,
        "buyers": [b.party.id_number for b in facts.buyers], "seller": facts.seller.id_number,
        "lenderId": contract.lender_id, "advanceRegistrationId": registration.id,
    }
    await outbox.add(
        [sql.update(Contract, contract.id, {"status": contract.status, "filed_at": now, "filed_property_id": prop.id, "number": contract.number}),
         sql.update(Registration, registration.id, {"application_form": registration.application_form})],
        [eventlog.NewEvent(EventType.CONTRACT_FILED, refs, payload)],
    )
    await outbox.commit()
    return registration


async def cancel_contract(use_case: UseCase, contract_id: int, reason: str) -> Contract:
    use_case.require_role(Role.HOUSING, action="cancel sales contracts")
    reason = validation.required_text(reason, ["input", "reason"], 1000)
    found = await Contract.get_or_none(id=contract_id)
    if found is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    async with in_transaction() as conn:
        # Property first, then contract: the same order as filing, so the two never deadlock.
        prop = await Property.select_for_update().using_db(conn).get(id=found.property_id)
        contract = await Contract.select_for_update().using_db(conn).get(id=found.id)
        if contract.status == ContractStatus.CANCELLED:
            raise DomainError("INVALID_STATE", "the contract is cancelled already", ["input", "contractId"])
        await _refuse_while_rights_stand(conn, use_case, contract)
        was_filed = contract.status == ContractStatus.FILED
        contract.status, contract.cancelled_at, contract.cancel_reason, contract.filed_property_id = (
            ContractStatus.CANCELLED, use_case.now(), reason, None,
        )
        await contract.save(using_db=conn, update_fields=["status", "cancelled_at", "cancel_reason", "filed_property_id"])
        withdrawn = await _withdraw_pending_registrations(conn, contract)
        await refresh_property_status(conn, prop)
        refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id)
        payload = {"contractId": contract.id, "number": contract.number, "reason": reason, "wasFiled": was_filed,
                   "withdrawnRegistrations": withdrawn}
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.CONTRACT_CANCELLED, refs, payload)])
    return contract


async def _refuse_while_rights_stand(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract) -> None:
    in_force = await Registration.filter(
        contract_id=contract.id, right_status=RightStatus.IN_FORCE,
        kind__in=(RegistrationKind.ADVANCE_NOTICE, RegistrationKind.ADVANCE_MORTGAGE),
    ).using_db(conn).exists()
    mortgage_in_force = await Registration.filter(
        mortgage__contract_id=contract.id, right_status=RightStatus.IN_FORCE, kind=RegistrationKind.ADVANCE_MORTGAGE,
    ).using_db(conn).exists()
    if in_force or mortgage_in_force:
        raise DomainError("ENCUMBERED", "release the advance notice and advance mortgage of this contract first")
    if await encumbrances.seizure_in_force(conn, contract.property_id, use_case.today()):
        raise DomainError("ENCUMBERED", "the property is seized (查封)")


async def _withdraw_pending_registrations(conn: BaseDBAsyncClient, contract: Contract) -> list[int]:
    """Applications generated from the contract that were never decided end with it."""
    pending = await Registration.filter(
        contract_id=contract.id,
        status__in=(RegistrationStatus.AWAITING_SIGNATURE, RegistrationStatus.SUBMITTED, RegistrationStatus.IN_REVIEW),
    ).using_db(conn)
    for registration in pending:
        registration.status = RegistrationStatus.REJECTED
        await registration.save(using_db=conn, update_fields=["status"])
        await RuleCheck.create(registration_id=registration.id, rule="CONTRACT_FILED", passed=False,
                               message="the sales contract was cancelled", position=0, using_db=conn)
    return [r.id for r in pending]
