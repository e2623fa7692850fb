"""fileContract (网签即时备案) and cancelContract (DESIGN §2 steps 5 and 10).

Filing locks the property row first, so filings of one home queue behind each other and the
second sees the first; the unique `filed_property_id` column is the database's own guarantee
underneath, should any path ever skip the lock.
"""
from __future__ import annotations

from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import eventlog
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
    Signature,
)
from domain.rules import funds, validation
from domain.rules.filing import FilingFacts, filing_refusal
from domain.rules.numbering import contract_number, contract_sequence_name
from domain.services import encumbrances
from domain.services.context import UseCase
from domain.services.property_status import refresh_property_status
from domain.services.sequences import next_value

ALREADY_SOLD = DomainError("ALREADY_SOLD", "this home is sold already: another contract for it is filed")


async def _deposited(conn: BaseDBAsyncClient, contract_id: int, kind: FundKind) -> Decimal:
    amounts = await FundDeposit.filter(contract_id=contract_id, kind=kind).using_db(conn).values_list("amount", flat=True)
    return sum(amounts, Decimal("0.00"))


async def _filing_facts(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract, prop: Property) -> FilingFacts:
    permit = await Permit.get_or_none(id=prop.permit_id).using_db(conn) if prop.permit_id else None
    buyers = await ContractBuyer.filter(contract_id=contract.id).using_db(conn).values_list("party_id", flat=True)
    signers = await Signature.filter(contract_id=contract.id, document_hash=contract.document_hash).using_db(conn).values_list("signer_id", flat=True)
    return FilingFacts(
        status=contract.status,
        required_signers=frozenset(buyers) | {contract.seller_id},
        signers_of_current_text=frozenset(signers),
        permit_status=permit.status if permit else None,
        permit_covers_property=permit is not None and permit.developer_id == contract.seller_id,
        another_contract_filed=await Contract.filter(property_id=prop.id, status=ContractStatus.FILED).exclude(id=contract.id).using_db(conn).exists(),
        rights_of_others_in_force=await encumbrances.rights_of_others_in_force(conn, prop.id, contract.seller_id),
        seizure_in_force=await encumbrances.seizure_in_force(conn, prop.id, use_case.today()),
        supervised_deposited=await _deposited(conn, contract.id, FundKind.PRESALE_SUPERVISED),
        supervised_required=funds.required_supervised_amount(permit.sale_type if permit else None, contract.down_payment),
        maintenance_deposited=await _deposited(conn, contract.id, FundKind.MAINTENANCE),
        maintenance_required=funds.required_maintenance_fund(prop.usage, prop.building_area, use_case.policy.maintenance_rate_per_m2),
    )


async def application_form(conn: BaseDBAsyncClient, contract: Contract, prop: Property, buyers: list[Party], seller: Party) -> dict:
    """The advance-notice application, filled from the contract, the parties and shared data."""
    records = {r.id_number: r for r in await SharedPersonRecord.filter(id_number__in=[b.id_number for b in buyers]).using_db(conn)}
    shares = {cb.party_id: cb.share for cb in await ContractBuyer.filter(contract_id=contract.id).using_db(conn)}
    return {
        "registrationType": "预购商品房预告登记",
        "contractNumber": contract.number,
        "property": {
            "unitCode": prop.unit_code, "address": prop.address, "building": prop.building, "floor": prop.floor,
            "room": prop.room, "buildingArea": str(prop.building_area), "usage": prop.usage.value,
        },
        "rightHolders": [
            {
                "name": b.name, "idNumber": b.id_number,
                "share": str(shares[b.id]) if shares.get(b.id) is not None else None,
                "householdAddress": records[b.id_number].household_address if b.id_number in records else None,
                "maritalStatus": records[b.id_number].marital_status.value if b.id_number in records else None,
            }
            for b in buyers
        ],
        "ownershipForm": "按份共有" if any(s is not None for s in shares.values()) else "共同共有" if len(buyers) > 1 else "单独所有",
        "obligor": {"name": seller.name, "idNumber": seller.id_number},
        "price": str(contract.price),
        "paymentMethod": contract.payment_method.value,
        "deliveryWithCertificate": contract.delivery_with_certificate,
    }


async def file_contract(use_case: UseCase, contract_id: int) -> tuple[Contract, Registration]:
    use_case.require_role(Role.DEVELOPER, Role.HOUSING, action="file sales contracts")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    if use_case.viewer.role == Role.DEVELOPER and contract.seller_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the seller or the housing bureau files a contract")
    try:
        async with in_transaction() as conn:
            prop = await Property.select_for_update().using_db(conn).get(id=contract.property_id)
            contract = await Contract.select_for_update().using_db(conn).get(id=contract.id)
            refusal = filing_refusal(await _filing_facts(conn, use_case, contract, prop))
            if refusal is not None:
                raise refusal
            registration = await _file(conn, use_case, contract, prop)
    except IntegrityError as exc:  # the unique filed_property_id: another filing of this home won
        raise ALREADY_SOLD from exc
    return contract, registration


async def _file(conn: BaseDBAsyncClient, use_case: UseCase, contract: Contract, prop: Property) -> Registration:
    now, year = use_case.now(), use_case.today().year
    contract.status, contract.filed_at, contract.filed_property_id = ContractStatus.FILED, now, prop.id
    await contract.save(using_db=conn, update_fields=["status", "filed_at", "filed_property_id"])
    buyer_ids = await ContractBuyer.filter(contract_id=contract.id).using_db(conn).order_by("position").values_list("party_id", flat=True)
    buyers = {p.id: p for p in await Party.filter(id__in=[*buyer_ids, contract.seller_id]).using_db(conn)}
    ordered, seller = [buyers[i] for i in buyer_ids], buyers[contract.seller_id]
    form = await application_form(conn, contract, prop, ordered, seller)
    registration = await Registration.create(
        kind=RegistrationKind.ADVANCE_NOTICE, status=RegistrationStatus.AWAITING_SIGNATURE, right_status=RightStatus.PENDING,
        property_id=prop.id, contract_id=contract.id, application_form=form, using_db=conn,
    )
    await RegistrationParty.bulk_create(
        [RegistrationParty(registration_id=registration.id, party_id=b.id, role=role, position=i)
         for role in (RegistrationPartyRole.RIGHT_HOLDER, RegistrationPartyRole.APPLICANT) for i, b in enumerate(ordered)],
        using_db=conn,
    )
    await refresh_property_status(conn, prop)
    # The county-wide number counter is a hot row: lock it last, for as short a time as can be.
    contract.number = contract_number(use_case.policy, year, await next_value(conn, contract_sequence_name(year)))
    await contract.save(using_db=conn, update_fields=["number"])
    registration.application_form = {**form, "contractNumber": contract.number}
    await registration.save(using_db=conn, update_fields=["application_form"])
    refs = eventlog.EventRefs(property_id=prop.id, contract_id=contract.id, registration_id=registration.id)
    payload = {
        "contractId": contract.id, "number": contract.number, "unitCode": prop.unit_code, "price": contract.price,
        "buyers": [b.id_number for b in ordered], "seller": seller.id_number,
        "lenderId": contract.lender_id, "advanceRegistrationId": registration.id,
    }
    await eventlog.append(conn, now, [eventlog.NewEvent(EventType.CONTRACT_FILED, refs, payload)])
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
        contract_id=contract.id, status__in=(RegistrationStatus.AWAITING_SIGNATURE, RegistrationStatus.SUBMITTED)
    ).using_db(conn)
    for registration in pending:
        registration.status = RegistrationStatus.REJECTED
        await registration.save(using_db=conn, update_fields=["status"])
        await RuleCheck.create(registration_id=registration.id, rule="CONTRACT_FILED", passed=False,
                               message="the sales contract was cancelled", position=0, using_db=conn)
    return [r.id for r in pending]
