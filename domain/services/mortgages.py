"""Mortgages at the bank counter: approve, borrowers sign, register, discharge.

A loan on a filed new-home contract (DESIGN §2 step 8) registers as an advance mortgage; a loan
to the owners of a registered home (DESIGN §7) registers as a mortgage
(`apply_mortgage_registration`): at once when the schedule charges no fee, else once its fee
(登记费) is paid — the application waits SUBMITTED and `complete_waiting_mortgages`, called
through `domain/services/completion.py` by the payment, registers it. `register_mortgage`
writes a mortgage right inside the caller's unit of work, and `applied_mortgage` an application
waiting for its fee, for any use case that registers one (the buyers' loans in a transfer).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from domain import eventlog, sql
from domain.canonical import canonical_hash
from domain.enums import (
    CertificateKind,
    ContractKind,
    ContractStatus,
    EventType,
    MortgageStatus,
    PaymentMethod,
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
    ContractLender,
    Mortgage,
    MortgageBorrower,
    Party,
    Property,
    Registration,
    RegistrationParty,
    Signature,
)
from domain.rules import lenders as lender_rules
from domain.rules import validation
from domain.rules.advance_notice import Check
from domain.rules.mortgages import MortgageRegistrationFacts, borrowers_refusal, mortgage_registration_refusal
from domain.services import encumbrances
from domain.services.applications import rule_checks
from domain.services.certificates import issue_certificate
from domain.services.context import UseCase
from domain.services.fees import NO_FEE, fee_of, outstanding
from domain.services.ownership import (
    Writes,
    awaiting_fee,
    certificate_event,
    complete,
    completed_event,
    completed_registration,
    end_right,
)
from domain.services.property_status import property_status_update
from domain.unit_of_work import UnitOfWork

ACTIVE = (MortgageStatus.APPROVED, MortgageStatus.ADVANCE_REGISTERED, MortgageStatus.REGISTERED)
MAX_TERM_MONTHS = 360
OWNERSHIP_KINDS = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


def _refs(mortgage: Mortgage, registration: Registration | None = None) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=mortgage.property_id,
        contract_id=mortgage.contract_id,
        mortgage_id=mortgage.id,
        registration_id=registration.id if registration else None,
    )


def mortgage_document_hash(mortgage: Mortgage, borrowers: list[int]) -> str:
    document = {
        "mortgage": mortgage.id,
        "lender": mortgage.lender_id,
        "borrowers": borrowers,
        "principal": mortgage.principal,
        "termMonths": mortgage.term_months,
        "contract": mortgage.contract_id,
    }
    if mortgage.contract_id is None:  # a registered home: the mortgage names it
        document["property"] = mortgage.property_id
    return canonical_hash(document)


def _term(term_months: int) -> None:
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise DomainError("INVALID_INPUT", f"the term is 1 to {MAX_TERM_MONTHS} months", ["input", "termMonths"])


async def ownership_holders(conn: BaseDBAsyncClient, property_id: int) -> list[int]:
    """The holders of the ownership in force on a property, in their order on the register."""
    return sql.ints(
        await RegistrationParty.filter(
            registration__property_id=property_id,
            registration__kind__in=OWNERSHIP_KINDS,
            registration__right_status=RightStatus.IN_FORCE,
            role=RegistrationPartyRole.RIGHT_HOLDER,
        )
        .using_db(conn)
        .order_by("registration_id", "position")
        .values_list("party_id", flat=True)
    )


async def _borrowers(conn: BaseDBAsyncClient, mortgage_id: int) -> list[int]:
    return sql.ints(
        await MortgageBorrower.filter(mortgage_id=mortgage_id)
        .using_db(conn)
        .order_by("position")
        .values_list("party_id", flat=True)
    )


async def contract_lender_ids(contract: Contract) -> list[int]:
    """The lenders the buyers chose, the first (`Contract.lender`) first."""
    ids = sql.ints(
        await ContractLender.filter(contract_id=contract.id).order_by("position").values_list("party_id", flat=True)
    )
    if contract.lender_id is not None and contract.lender_id not in ids:  # a contract drafted without lender rows
        ids.insert(0, contract.lender_id)
    return ids


async def _lender_mortgage(use_case: UseCase, mortgage_id: int) -> Mortgage:
    use_case.require_role(Role.BANK, Role.PROVIDENT_FUND, action="act on mortgages")
    mortgage = await Mortgage.get_or_none(id=mortgage_id)
    if mortgage is None:
        raise DomainError("NOT_FOUND", "no such mortgage", ["input", "mortgageId"])
    if mortgage.lender_id != use_case.viewer.party_id:
        raise DomainError("FORBIDDEN", "only the mortgage's lender acts on it")
    return mortgage


async def _locked(uow: UnitOfWork, mortgage: Mortgage) -> tuple[Property, Mortgage]:
    """The property, then the mortgage, locked: the order every registration on a home keeps."""
    prop = await uow.lock(Property, mortgage.property_id)
    locked = await uow.lock(Mortgage, mortgage.id)
    assert prop is not None and locked is not None  # neither is ever deleted
    return prop, locked


async def approve_mortgage(use_case: UseCase, contract_id: int, principal: Decimal, term_months: int) -> Mortgage:
    use_case.require_role(Role.BANK, Role.PROVIDENT_FUND, action="approve mortgages")
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    if use_case.viewer.party_id is None or use_case.viewer.party_id not in await contract_lender_ids(contract):
        raise DomainError("FORBIDDEN", "only a lender the buyers chose approves their loan")
    if contract.status != ContractStatus.FILED:
        raise DomainError("INVALID_STATE", "a loan is approved on a filed contract", ["input", "contractId"])
    if contract.payment_method == PaymentMethod.FULL_PAYMENT:
        raise DomainError("INVALID_STATE", "the contract is paid in full, without a loan", ["input", "contractId"])
    principal = validation.money(principal, ["input", "principal"])
    if (refusal := lender_rules.principal_refusal(principal, contract.price, contract.down_payment, [])) is not None:
        raise refusal
    _term(term_months)
    async with use_case.unit_of_work() as uow:
        await uow.lock(Contract, contract.id)
        # One loan per lender: a combined loan (组合贷) has the bank's and the provident fund's.
        active = await Mortgage.filter(contract_id=contract.id, status__in=ACTIVE).using_db(uow.conn)
        if any(m.lender_id == use_case.viewer.party_id for m in active):
            raise DomainError("DUPLICATE", "this contract has your mortgage already", ["input", "contractId"])
        others = [m.principal for m in active]
        if refusal := lender_rules.principal_refusal(principal, contract.price, contract.down_payment, others):
            raise refusal
        values = {
            "property_id": contract.property_id,
            "contract_id": contract.id,
            "lender_id": use_case.viewer.party_id,
            "principal": principal,
            "term_months": term_months,
            "status": MortgageStatus.APPROVED,
            "approved_at": use_case.now(),
        }
        mortgage = Mortgage(**values)
        mortgage.id = await uow.insert(Mortgage, values)
        buyers = sql.ints(
            await ContractBuyer.filter(contract_id=contract.id)
            .using_db(uow.conn)
            .order_by("position")
            .values_list("party_id", flat=True)
        )
        await uow.write(
            *sql.insert_many(
                MortgageBorrower,
                [{"mortgage_id": mortgage.id, "party_id": b, "position": i} for i, b in enumerate(buyers)],
            )
        )
        payload = {
            "mortgageId": mortgage.id,
            "principal": principal,
            "termMonths": term_months,
            "documentHash": mortgage_document_hash(mortgage, buyers),
        }
        await uow.record(eventlog.NewEvent(EventType.MORTGAGE_APPROVED, _refs(mortgage), payload))
        await uow.commit()
    return mortgage


async def approve_home_mortgage(
    use_case: UseCase, property_id: int, borrowers: list[int], principal: Decimal, term_months: int
) -> Mortgage:
    """A lender lends to the owners of a registered home (DESIGN §7): the borrowers hold its
    ownership in force. The loan registers with `apply_mortgage_registration` once they sign."""
    use_case.require_role(Role.BANK, Role.PROVIDENT_FUND, action="approve mortgages")
    lender_id = use_case.require_party()
    prop = await Property.get_or_none(id=property_id)
    if prop is None:
        raise DomainError("NOT_FOUND", "no such property", ["input", "propertyId"])
    principal = validation.money(principal, ["input", "principal"])
    _term(term_months)
    async with use_case.unit_of_work() as uow:
        await uow.lock(Property, prop.id)
        refusal = borrowers_refusal(borrowers, await ownership_holders(uow.conn, prop.id))
        if refusal is not None:
            raise refusal
        pending = Mortgage.filter(
            property_id=prop.id, lender_id=lender_id, contract_id=None, status=MortgageStatus.APPROVED
        )
        if await pending.using_db(uow.conn).exists():
            raise DomainError(
                "DUPLICATE", "you have approved a loan on this home that is not registered yet", ["input", "propertyId"]
            )
        values = {
            "property_id": prop.id,
            "contract_id": None,
            "lender_id": lender_id,
            "principal": principal,
            "term_months": term_months,
            "status": MortgageStatus.APPROVED,
            "approved_at": use_case.now(),
        }
        mortgage = Mortgage(**values)
        mortgage.id = await uow.insert(Mortgage, values)
        await uow.write(
            *sql.insert_many(
                MortgageBorrower,
                [{"mortgage_id": mortgage.id, "party_id": b, "position": i} for i, b in enumerate(borrowers)],
            )
        )
        payload = {
            "mortgageId": mortgage.id,
            "principal": principal,
            "termMonths": term_months,
            "documentHash": mortgage_document_hash(mortgage, list(borrowers)),
        }
        await uow.record(eventlog.NewEvent(EventType.MORTGAGE_APPROVED, _refs(mortgage), payload))
        await uow.commit()
    return mortgage


async def sign_mortgage(use_case: UseCase, mortgage_id: int) -> Mortgage:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, action="sign mortgages")
    mortgage = await Mortgage.get_or_none(id=mortgage_id)
    if mortgage is None:
        raise DomainError("NOT_FOUND", "no such mortgage", ["input", "mortgageId"])
    borrowers = sql.ints(
        await MortgageBorrower.filter(mortgage_id=mortgage.id).order_by("position").values_list("party_id", flat=True)
    )
    use_case.require_face_signer(borrowers, "the borrowers")
    async with use_case.unit_of_work() as uow:
        locked = await uow.lock(Mortgage, mortgage.id)
        assert locked is not None
        mortgage = locked
        if mortgage.status != MortgageStatus.APPROVED:
            raise DomainError(
                "INVALID_STATE", f"the mortgage is {mortgage.status.value.lower()}", ["input", "mortgageId"]
            )
        if await Signature.filter(mortgage_id=mortgage.id, signer_id=viewer.party_id).using_db(uow.conn).exists():
            raise DomainError("DUPLICATE", "you have signed this mortgage already", ["input", "mortgageId"])
        document_hash = mortgage_document_hash(mortgage, borrowers)
        await uow.write(
            sql.insert(
                Signature,
                {
                    "mortgage_id": mortgage.id,
                    "signer_id": viewer.party_id,
                    "method": "FACE",
                    "document_hash": document_hash,
                    "signed_at": use_case.now(),
                },
            )
        )
        payload = {"mortgageId": mortgage.id, "signer": viewer.party_id_number, "documentHash": document_hash}
        await uow.record(eventlog.NewEvent(EventType.MORTGAGE_SIGNED, _refs(mortgage), payload))
        await uow.commit()
    return mortgage


async def apply_advance_mortgage(use_case: UseCase, mortgage_id: int) -> Registration:
    """预购商品房抵押权预告登记, decided at once like the advance notice."""
    mortgage = await _lender_mortgage(use_case, mortgage_id)
    async with use_case.unit_of_work() as uow:
        prop, mortgage = await _locked(uow, mortgage)
        if mortgage.status != MortgageStatus.APPROVED:
            raise DomainError(
                "INVALID_STATE", f"the mortgage is {mortgage.status.value.lower()}", ["input", "mortgageId"]
            )
        borrowers = sql.ints(
            await MortgageBorrower.filter(mortgage_id=mortgage.id)
            .using_db(uow.conn)
            .order_by("position")
            .values_list("party_id", flat=True)
        )
        signed = set(
            sql.ints(
                await Signature.filter(mortgage_id=mortgage.id).using_db(uow.conn).values_list("signer_id", flat=True)
            )
        )
        if not set(borrowers) <= signed:
            raise DomainError(
                "SIGNATURES_MISSING", f"{len(set(borrowers) - signed)} borrower(s) have not signed the mortgage"
            )
        if await encumbrances.seizure_in_force(uow.conn, prop.id, use_case.today()):
            raise DomainError("ENCUMBERED", "the property is seized (查封)")
        if await encumbrances.objection_in_force(uow.conn, prop.id):
            raise DomainError("ENCUMBERED", "an objection (异议登记) is in force on the property")
        notice = (
            await Registration.filter(
                contract_id=mortgage.contract_id,
                kind=RegistrationKind.ADVANCE_NOTICE,
                right_status=RightStatus.IN_FORCE,
            )
            .using_db(uow.conn)
            .first()
        )
        if notice is None:
            raise DomainError(
                "INVALID_STATE", "the borrowers' advance notice registration is not in force", ["input", "mortgageId"]
            )
        checks = [
            Check("BORROWERS_SIGNED", True, "every borrower signed the mortgage"),
            Check("ADVANCE_NOTICE_IN_FORCE", True, f"advance notice {notice.number} is in force"),
            Check("NO_SEIZURE", True, "no seizure is in force"),
        ]
        form = {
            "registrationType": "预购商品房抵押权预告登记",
            "principal": str(mortgage.principal),
            "termMonths": mortgage.term_months,
            "advanceNotice": notice.number,
            "unitCode": prop.unit_code,
        }
        registration = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.ADVANCE_MORTGAGE,
            prop.id,
            [mortgage.lender_id],
            [mortgage.lender_id, *borrowers],
            form,
            contract_id=mortgage.contract_id,
            mortgage_id=mortgage.id,
        )
        await uow.record(
            *await _proven(
                uow,
                use_case,
                registration,
                prop,
                mortgage,
                checks,
                "预购商品房抵押权预告登记",
                MortgageStatus.ADVANCE_REGISTERED,
            )
        )
        await uow.commit()
    return registration


async def _proven(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    prop: Property,
    mortgage: Mortgage,
    checks: list[Check],
    right: str,
    status: MortgageStatus,
) -> list[eventlog.NewEvent]:
    """A completed mortgage registration's checks, its lender's REGISTRATION_PROOF (numbered: it
    takes the certificate counter, so call it last) and the mortgage's new status; its events."""
    await uow.write(*rule_checks(registration.id, checks))
    lender = await Party.filter(id=mortgage.lender_id).using_db(uow.conn).get()
    certificate = await issue_certificate(
        uow,
        use_case,
        registration,
        CertificateKind.REGISTRATION_PROOF,
        [lender],
        prop,
        {"right": right, "principal": str(mortgage.principal)},
    )
    mortgage.status = status
    await uow.write(sql.update(Registration, registration.id, {"number": registration.number}))
    await uow.write(sql.update(Mortgage, mortgage.id, {"status": mortgage.status}))
    return [completed_event(registration), certificate_event(registration, certificate)]


def _form(prop: Property, mortgage: Mortgage, form: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "registrationType": "抵押权登记",
        "principal": str(mortgage.principal),
        "termMonths": mortgage.term_months,
        "unitCode": prop.unit_code,
        **(form or {}),
    }


def _checks() -> list[Check]:
    """What the decision on a mortgage of a registered home records: every rule passed."""
    return [
        Check("BORROWERS_SIGNED", True, "every borrower signed the mortgage"),
        Check("BORROWERS_HOLD_OWNERSHIP", True, "the borrowers hold the ownership in force"),
        Check("NO_SEIZURE", True, "no seizure is in force"),
        Check("NO_OBJECTION", True, "no objection is in force"),
    ]


async def register_mortgage(
    uow: UnitOfWork,
    use_case: UseCase,
    prop: Property,
    mortgage: Mortgage,
    borrowers: list[int],
    checks: list[Check],
    form: dict[str, Any] | None = None,
    pending: Registration | None = None,
) -> tuple[Registration, list[eventlog.NewEvent]]:
    """抵押权登记 of `mortgage`, COMPLETED and IN_FORCE with its REGISTRATION_PROOF, written in the
    caller's unit of work (the property and the mortgage locked, the rules already decided):
    a new registration, or `pending`, the application that waited for its fee.

    Its priority comes from the order of registration: after every mortgage right in force on
    the property. Returns the registration and the events the caller records with its commit
    (the transfer of 带押过户 registers the buyer's loan in the same decision this way)."""
    if pending is None:
        registration = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.MORTGAGE,
            prop.id,
            [mortgage.lender_id],
            [mortgage.lender_id, *borrowers],
            _form(prop, mortgage, form),
            contract_id=mortgage.contract_id,
            mortgage_id=mortgage.id,
        )
    else:
        registration = pending
        writes = Writes()
        complete(registration, use_case.now(), writes)
        await writes.flush(uow)
    events = await _proven(uow, use_case, registration, prop, mortgage, checks, "抵押权", MortgageStatus.REGISTERED)
    return registration, events


async def applied_mortgage(
    uow: UnitOfWork,
    use_case: UseCase,
    prop: Property,
    mortgage: Mortgage,
    borrowers: list[int],
    form: dict[str, Any] | None,
    fee: Decimal,
) -> tuple[Registration, list[eventlog.NewEvent]]:
    """抵押权登记 of `mortgage` applied for, SUBMITTED until its fee is paid (by its BANK or the
    registrar); the mortgage stays APPROVED until then. Returns the registration and its events."""
    writes = Writes()
    registration = await awaiting_fee(
        uow,
        use_case.now(),
        RegistrationKind.MORTGAGE,
        prop.id,
        [mortgage.lender_id],
        [mortgage.lender_id, *borrowers],
        _form(prop, mortgage, form),
        fee,
        writes,
        contract_id=mortgage.contract_id,
        mortgage_id=mortgage.id,
    )
    await writes.flush(uow)
    return registration, writes.events


async def _registration_facts(
    uow: UnitOfWork, use_case: UseCase, prop: Property, mortgage: Mortgage
) -> tuple[MortgageRegistrationFacts, list[int]]:
    """What a mortgage registration of a registered home is decided on, and the borrowers."""
    borrowers = await _borrowers(uow.conn, mortgage.id)
    signed = sql.ints(
        await Signature.filter(mortgage_id=mortgage.id).using_db(uow.conn).values_list("signer_id", flat=True)
    )
    holders = await ownership_holders(uow.conn, prop.id)
    contract = (
        None
        if mortgage.contract_id is None
        else await Contract.filter(id=mortgage.contract_id).using_db(uow.conn).first()
    )
    kind = contract.kind if contract is not None else None
    facts = MortgageRegistrationFacts(
        status=mortgage.status,
        on_contract=kind == ContractKind.NEW_HOME,
        on_resale=kind == ContractKind.RESALE,
        borrowers=frozenset(borrowers),
        signers=frozenset(signed),
        holders=frozenset(holders),
        seizure_in_force=await encumbrances.seizure_in_force(uow.conn, prop.id, use_case.today()),
        objection_in_force=await encumbrances.objection_in_force(uow.conn, prop.id),
    )
    return facts, borrowers


async def apply_mortgage_registration(use_case: UseCase, mortgage_id: int) -> Registration:
    """抵押权登记 of a registered home, applied by the lender from its counter and decided at
    once; with a fee to pay, it registers by itself when the payment is recorded."""
    mortgage = await _lender_mortgage(use_case, mortgage_id)
    async with use_case.unit_of_work() as uow:
        prop, mortgage = await _locked(uow, mortgage)
        waiting = Registration.filter(
            mortgage_id=mortgage.id, kind=RegistrationKind.MORTGAGE, status=RegistrationStatus.SUBMITTED
        )
        if await waiting.using_db(uow.conn).exists():
            raise DomainError(
                "DUPLICATE",
                "this mortgage's registration waits for its fee",
                ["input", "mortgageId"],
            )
        facts, borrowers = await _registration_facts(uow, use_case, prop, mortgage)
        refusal = mortgage_registration_refusal(facts)
        if refusal is not None:
            raise refusal
        ownership = (
            await Registration.filter(property_id=prop.id, kind__in=OWNERSHIP_KINDS, right_status=RightStatus.IN_FORCE)
            .using_db(uow.conn)
            .values_list("number", flat=True)
        )
        form = {"ownership": list(ownership)}  # the certificate(s) the mortgage rests on
        fee = fee_of(use_case, RegistrationKind.MORTGAGE, prop.usage)
        if fee == NO_FEE:
            registration, events = await register_mortgage(uow, use_case, prop, mortgage, borrowers, _checks(), form)
        else:
            registration, events = await applied_mortgage(uow, use_case, prop, mortgage, borrowers, form, fee)
        await uow.record(*events)
        await uow.commit()
    return registration


async def complete_waiting_mortgages(
    uow: UnitOfWork, use_case: UseCase, props: list[Property]
) -> list[eventlog.NewEvent]:
    """Register every mortgage of a registered home on these (locked) properties whose fee is
    paid and that nothing blocks now (a seizure or objection keeps it waiting until it ends);
    an advance mortgage's conversion is `ownership.convert_ready`'s."""
    by_id = {p.id: p for p in props}
    waiting = (
        await Registration.filter(
            property_id__in=list(by_id),
            kind=RegistrationKind.MORTGAGE,
            status=RegistrationStatus.SUBMITTED,
            converted_from_id=None,
        )
        .using_db(uow.conn)
        .order_by("id")
    )
    if not waiting:
        return []
    due = await outstanding(uow, [r.id for r in waiting])
    events: list[eventlog.NewEvent] = []
    for registration in waiting:
        if due[registration.id] != NO_FEE or registration.mortgage_id is None:
            continue
        prop = by_id[registration.property_id]
        mortgage = await uow.lock(Mortgage, registration.mortgage_id)
        assert mortgage is not None  # mortgages are never deleted
        facts, borrowers = await _registration_facts(uow, use_case, prop, mortgage)
        if mortgage_registration_refusal(facts) is not None:
            continue
        _, registered = await register_mortgage(
            uow, use_case, prop, mortgage, borrowers, _checks(), pending=registration
        )
        events += registered
    return events


async def discharge_mortgage(use_case: UseCase, mortgage_id: int) -> Registration:
    mortgage = await _lender_mortgage(use_case, mortgage_id)
    async with use_case.unit_of_work() as uow:
        prop, mortgage = await _locked(uow, mortgage)
        if mortgage.status not in (MortgageStatus.ADVANCE_REGISTERED, MortgageStatus.REGISTERED):
            raise DomainError(
                "INVALID_STATE",
                f"a {mortgage.status.value.lower()} mortgage has no registered right to discharge",
                ["input", "mortgageId"],
            )
        rights = await Registration.filter(
            mortgage_id=mortgage.id,
            right_status=RightStatus.IN_FORCE,
            kind__in=(RegistrationKind.ADVANCE_MORTGAGE, RegistrationKind.MORTGAGE),
        ).using_db(uow.conn)
        for right in rights:
            await end_right(uow, right)
        form = {"registrationType": "抵押权注销登记", "discharges": [r.number for r in rights]}
        registration = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.MORTGAGE_DISCHARGE,
            prop.id,
            [],
            [mortgage.lender_id],
            form,
            contract_id=mortgage.contract_id,
            mortgage_id=mortgage.id,
        )
        mortgage.status = MortgageStatus.DISCHARGED
        await uow.write(sql.update(Mortgage, mortgage.id, {"status": mortgage.status}))
        await uow.write(*await property_status_update(uow, prop))
        await uow.record(completed_event(registration, discharged=[r.id for r in rights]))
        await uow.commit()
    return registration
