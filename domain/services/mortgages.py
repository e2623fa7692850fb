"""Mortgages at the bank counter (DESIGN §2 step 8): approve, borrowers sign, advance mortgage, discharge."""
from __future__ import annotations

from decimal import Decimal

from tortoise.transactions import in_transaction

from domain import eventlog
from domain.canonical import canonical_hash
from domain.enums import (
    CertificateKind,
    ContractStatus,
    EventType,
    MortgageStatus,
    PaymentMethod,
    RegistrationKind,
    RightStatus,
    Role,
)
from domain.errors import DomainError
from domain.models import Contract, ContractBuyer, Mortgage, MortgageBorrower, Party, Property, Registration, RuleCheck, Signature
from domain.rules import validation
from domain.rules.advance_notice import Check
from domain.services import encumbrances
from domain.services.certificates import issue_certificate
from domain.services.context import UseCase
from domain.services.ownership import certificate_event, completed_event, completed_registration, end_right
from domain.services.property_status import refresh_property_status

ACTIVE = (MortgageStatus.APPROVED, MortgageStatus.ADVANCE_REGISTERED, MortgageStatus.REGISTERED)
MAX_TERM_MONTHS = 360


def _refs(mortgage: Mortgage, registration: Registration | None = None) -> eventlog.EventRefs:
    return eventlog.EventRefs(property_id=mortgage.property_id, contract_id=mortgage.contract_id, mortgage_id=mortgage.id,
                              registration_id=registration.id if registration else None)


def mortgage_document_hash(mortgage: Mortgage, borrowers: list[int]) -> str:
    return canonical_hash({"mortgage": mortgage.id, "lender": mortgage.lender_id, "borrowers": borrowers,
                           "principal": mortgage.principal, "termMonths": mortgage.term_months, "contract": mortgage.contract_id})


async def _lender_mortgage(use_case: UseCase, mortgage_id: int) -> Mortgage:
    use_case.require_role(Role.BANK, Role.PROVIDENT_FUND, action="act on mortgages")
    mortgage = await Mortgage.get_or_none(id=mortgage_id)
    if mortgage is None:
        raise DomainError("NOT_FOUND", "no such mortgage", ["input", "mortgageId"])
    if mortgage.lender_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the mortgage's lender acts on it")
    return mortgage


async def _locked(conn, mortgage: Mortgage) -> tuple[Property, Mortgage]:
    """The property, then the mortgage, locked: the order every registration on a home keeps."""
    prop = await Property.select_for_update().using_db(conn).get(id=mortgage.property_id)
    return prop, await Mortgage.select_for_update().using_db(conn).get(id=mortgage.id)


async def approve_mortgage(use_case: UseCase, contract_id: int, principal: Decimal, term_months: int) -> Mortgage:
    use_case.require_role(Role.BANK, Role.PROVIDENT_FUND, action="approve mortgages")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    if contract.lender_id is None or contract.lender_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the lender the buyers chose approves their loan")
    if contract.status != ContractStatus.FILED:
        raise DomainError("INVALID_STATE", "a loan is approved on a filed contract", ["input", "contractId"])
    if contract.payment_method == PaymentMethod.FULL_PAYMENT:
        raise DomainError("INVALID_STATE", "the contract is paid in full, without a loan", ["input", "contractId"])
    principal = validation.money(principal, ["input", "principal"])
    validation.not_more_than(principal, contract.price - contract.down_payment, ["input", "principal"], "the price less the down payment")
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise DomainError("INVALID_INPUT", f"the term is 1 to {MAX_TERM_MONTHS} months", ["input", "termMonths"])
    async with in_transaction() as conn:
        await Contract.select_for_update().using_db(conn).get(id=contract.id)
        if await Mortgage.filter(contract_id=contract.id, status__in=ACTIVE).using_db(conn).exists():
            raise DomainError("DUPLICATE", "this contract has a mortgage already", ["input", "contractId"])
        mortgage = await Mortgage.create(property_id=contract.property_id, contract_id=contract.id, lender_id=contract.lender_id,
                                         principal=principal, term_months=term_months, approved_at=use_case.now(), using_db=conn)
        buyers = await ContractBuyer.filter(contract_id=contract.id).using_db(conn).order_by("position").values_list("party_id", flat=True)
        await MortgageBorrower.bulk_create([MortgageBorrower(mortgage_id=mortgage.id, party_id=b, position=i) for i, b in enumerate(buyers)],
                                           using_db=conn)
        payload = {"mortgageId": mortgage.id, "principal": principal, "termMonths": term_months,
                   "documentHash": mortgage_document_hash(mortgage, list(buyers))}
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.MORTGAGE_APPROVED, _refs(mortgage), payload)])
    return mortgage


async def sign_mortgage(use_case: UseCase, mortgage_id: int) -> Mortgage:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, action="sign mortgages")
    mortgage = await Mortgage.get_or_none(id=mortgage_id)
    if mortgage is None:
        raise DomainError("NOT_FOUND", "no such mortgage", ["input", "mortgageId"])
    borrowers = list(await MortgageBorrower.filter(mortgage_id=mortgage.id).order_by("position").values_list("party_id", flat=True))
    use_case.require_face_signer(borrowers, "the borrowers")
    async with in_transaction() as conn:
        mortgage = await Mortgage.select_for_update().using_db(conn).get(id=mortgage.id)
        if mortgage.status != MortgageStatus.APPROVED:
            raise DomainError("INVALID_STATE", f"the mortgage is {mortgage.status.value.lower()}", ["input", "mortgageId"])
        if await Signature.filter(mortgage_id=mortgage.id, signer_id=viewer.party_id).using_db(conn).exists():
            raise DomainError("DUPLICATE", "you have signed this mortgage already", ["input", "mortgageId"])
        document_hash = mortgage_document_hash(mortgage, borrowers)
        await Signature.create(mortgage_id=mortgage.id, signer_id=viewer.party_id, method="FACE", document_hash=document_hash,
                               signed_at=use_case.now(), using_db=conn)
        payload = {"mortgageId": mortgage.id, "signer": viewer.party_id_number, "documentHash": document_hash}
        await eventlog.append(conn, use_case.now(), [eventlog.NewEvent(EventType.MORTGAGE_SIGNED, _refs(mortgage), payload)])
    return mortgage


async def apply_advance_mortgage(use_case: UseCase, mortgage_id: int) -> Registration:
    """预购商品房抵押权预告登记, decided at once like the advance notice."""
    mortgage = await _lender_mortgage(use_case, mortgage_id)
    async with in_transaction() as conn:
        prop, mortgage = await _locked(conn, mortgage)
        if mortgage.status != MortgageStatus.APPROVED:
            raise DomainError("INVALID_STATE", f"the mortgage is {mortgage.status.value.lower()}", ["input", "mortgageId"])
        borrowers = list(await MortgageBorrower.filter(mortgage_id=mortgage.id).using_db(conn).order_by("position").values_list("party_id", flat=True))
        signed = set(await Signature.filter(mortgage_id=mortgage.id).using_db(conn).values_list("signer_id", flat=True))
        if not set(borrowers) <= signed:
            raise DomainError("SIGNATURES_MISSING", f"{len(set(borrowers) - signed)} borrower(s) have not signed the mortgage")
        if await encumbrances.seizure_in_force(conn, prop.id, use_case.today()):
            raise DomainError("ENCUMBERED", "the property is seized (查封)")
        if await encumbrances.objection_in_force(conn, prop.id):
            raise DomainError("ENCUMBERED", "an objection (异议登记) is in force on the property")
        notice = await Registration.get_or_none(contract_id=mortgage.contract_id, kind=RegistrationKind.ADVANCE_NOTICE,
                                                right_status=RightStatus.IN_FORCE).using_db(conn)
        if notice is None:
            raise DomainError("INVALID_STATE", "the borrowers' advance notice registration is not in force", ["input", "mortgageId"])
        checks = [Check("BORROWERS_SIGNED", True, "every borrower signed the mortgage"),
                  Check("ADVANCE_NOTICE_IN_FORCE", True, f"advance notice {notice.number} is in force"),
                  Check("NO_SEIZURE", True, "no seizure is in force")]
        form = {"registrationType": "预购商品房抵押权预告登记", "principal": str(mortgage.principal), "termMonths": mortgage.term_months,
                "advanceNotice": notice.number, "unitCode": prop.unit_code}
        registration = await completed_registration(
            conn, use_case.now(), RegistrationKind.ADVANCE_MORTGAGE, prop.id, [mortgage.lender_id], [mortgage.lender_id, *borrowers],
            form, contract_id=mortgage.contract_id, mortgage_id=mortgage.id,
        )
        await RuleCheck.bulk_create([RuleCheck(registration_id=registration.id, rule=c.rule, passed=c.passed, message=c.message, position=i)
                                     for i, c in enumerate(checks)], using_db=conn)
        lender = await Party.get(id=mortgage.lender_id).using_db(conn)
        certificate = await issue_certificate(conn, use_case, registration, CertificateKind.REGISTRATION_PROOF, [lender], prop,
                                              {"right": "预购商品房抵押权预告登记", "principal": str(mortgage.principal)})
        await registration.save(using_db=conn, update_fields=["number"])
        mortgage.status = MortgageStatus.ADVANCE_REGISTERED
        await mortgage.save(using_db=conn, update_fields=["status"])
        await eventlog.append(conn, use_case.now(), [completed_event(registration), certificate_event(registration, certificate)])
    return registration


async def discharge_mortgage(use_case: UseCase, mortgage_id: int) -> Registration:
    mortgage = await _lender_mortgage(use_case, mortgage_id)
    async with in_transaction() as conn:
        prop, mortgage = await _locked(conn, mortgage)
        if mortgage.status not in (MortgageStatus.ADVANCE_REGISTERED, MortgageStatus.REGISTERED):
            raise DomainError("INVALID_STATE", f"a {mortgage.status.value.lower()} mortgage has no registered right to discharge", ["input", "mortgageId"])
        rights = await Registration.filter(mortgage_id=mortgage.id, right_status=RightStatus.IN_FORCE,
                                           kind__in=(RegistrationKind.ADVANCE_MORTGAGE, RegistrationKind.MORTGAGE)).using_db(conn)
        for right in rights:
            await end_right(conn, right)
        form = {"registrationType": "抵押权注销登记", "discharges": [r.number for r in rights]}
        registration = await completed_registration(conn, use_case.now(), RegistrationKind.MORTGAGE_DISCHARGE, prop.id, [],
                                                    [mortgage.lender_id], form, contract_id=mortgage.contract_id, mortgage_id=mortgage.id)
        mortgage.status = MortgageStatus.DISCHARGED
        await mortgage.save(using_db=conn, update_fields=["status"])
        await refresh_property_status(conn, prop)
        await eventlog.append(conn, use_case.now(), [completed_event(registration, discharged=[r.id for r in rights])])
    return registration
