"""applyTransferRegistration (转移登记 of a resale, DESIGN §7) and its decision.

A seller or buyer of a filed resale applies; every seller and buyer signs the generated
application with signRegistration; the last signature gets the instant decision
(domain/rules/transfer.py). Unpaid taxes or the unpaid fee (登记费) keep the application
SUBMITTED: `complete_waiting_transfers` decides it again when a payment is recorded (through
`domain/services/completion.py`, like the new-home conversion), and completes it then.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from domain import eventlog, sql, visibility
from domain.canonical import canonical_hash
from domain.enums import (
    CertificateKind,
    ContractKind,
    ContractStatus,
    Decider,
    EventType,
    MortgageStatus,
    PropertyStatus,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    Role,
    TaxKind,
    TaxStatus,
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
    TaxRecord,
)
from domain.rules.mortgages import BuyersLoan, loans_registered_with_transfer
from domain.rules.ownership import seizure_expired
from domain.rules.transfer import (
    PAYMENT_RULES,
    Decision,
    ResaleTransferFacts,
    taxes_settled,
    transfer_checks,
    transfer_decision,
)
from domain.services.applications import complete_with_proof, inserted_registration, rule_checks, save_decision
from domain.services.certificates import certificate_inserts, certificate_numbers, signed_certificate
from domain.services.context import UseCase
from domain.services.fees import NO_FEE, due, fee_of
from domain.services.mortgages import applied_mortgage
from domain.services.ownership import certificate_event, completed_event, completed_registration
from domain.services.resale import Holder, mortgages_without_consent, ownership_holders
from domain.unit_of_work import UnitOfWork

# Applications still to be decided, one at a time per contract.
_UNDECIDED = (RegistrationStatus.AWAITING_SIGNATURE, RegistrationStatus.SUBMITTED, RegistrationStatus.IN_REVIEW)


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=registration.property_id, contract_id=registration.contract_id, registration_id=registration.id
    )


@dataclass(frozen=True)
class _Person:
    party: Party
    share: Decimal | None
    name_in_shared_data: str | None


_PEOPLE_SQL = """
SELECT 'seller', s.position, a.id, a.name, a.id_number, a.kind, s.share, sp.name
  FROM contract_seller s JOIN party a ON a.id = s.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE s.contract_id = ?
UNION ALL
SELECT 'buyer', b.position, a.id, a.name, a.id_number, a.kind, b.share, sp.name
  FROM contract_buyer b JOIN party a ON a.id = b.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE b.contract_id = ?
"""


class _PersonRow(NamedTuple):
    side: str
    position: int
    party_id: int
    name: str
    id_number: str
    kind: str
    share: Any
    name_in_shared_data: str | None


async def _people(uow: UnitOfWork, contract_id: int) -> tuple[list[_Person], list[_Person]]:
    """The contract's sellers and buyers, in their order, with the names the population record gives."""
    rows = sorted(await uow.fetch(_PEOPLE_SQL, [contract_id, contract_id], _PersonRow), key=lambda r: r.position)

    def side(name: str) -> list[_Person]:
        return [
            _Person(
                sql.model_from(Party, id=r.party_id, name=r.name, id_number=r.id_number, kind=r.kind),
                sql.model_from(ContractBuyer, share=r.share).share,
                r.name_in_shared_data,
            )
            for r in rows
            if r.side == name
        ]

    return side("seller"), side("buyer")


def _form(contract: Contract, prop: Property, sellers: list[_Person], buyers: list[_Person]) -> dict[str, Any]:
    def person(p: _Person) -> dict[str, Any]:
        return {
            "name": p.party.name,
            "idNumber": p.party.id_number,
            "share": str(p.share) if p.share is not None else None,
        }

    return {
        "registrationType": "转移登记(存量房买卖)",
        "contractNumber": contract.number,
        "property": {
            "unitCode": prop.unit_code,
            "address": prop.address,
            "buildingArea": str(prop.building_area),
            "usage": prop.usage.value,
        },
        "rightHolders": [person(b) for b in buyers],
        "ownershipForm": "按份共有"
        if any(b.share is not None for b in buyers)
        else "共同共有"
        if len(buyers) > 1
        else "单独所有",
        "obligors": [person(s) for s in sellers],
        "price": str(contract.price),
        "paymentMethod": contract.payment_method.value,
    }


async def apply_transfer_registration(use_case: UseCase, contract_id: int) -> Registration:
    viewer = use_case.viewer
    use_case.require_role(Role.BUYER, action="apply for transfer registration")
    found = await visibility.contracts(viewer, Contract.filter(id=contract_id)).first()
    if found is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    async with use_case.unit_of_work() as uow:
        prop = await uow.lock(Property, found.property_id)
        contract = await uow.lock(Contract, found.id)
        assert prop is not None and contract is not None  # neither is ever deleted
        sellers, buyers = await _people(uow, contract.id)
        applicants = [p.party.id for p in (*sellers, *buyers)]
        if viewer.party_id not in applicants:
            raise DomainError("FORBIDDEN", "only a seller or a buyer of the resale applies for its transfer")
        if contract.kind != ContractKind.RESALE:
            raise DomainError(
                "INVALID_STATE",
                "a new home passes to its buyers by conversion of the advance notice",
                ["input", "contractId"],
            )
        if contract.status != ContractStatus.FILED:
            raise DomainError(
                "INVALID_STATE", f"the contract is {contract.status.value.lower()}, not filed", ["input", "contractId"]
            )
        earlier = [
            RegistrationStatus(s)
            for s in await Registration.filter(
                contract_id=contract.id,
                kind=RegistrationKind.TRANSFER,
                status__in=(*_UNDECIDED, RegistrationStatus.COMPLETED),
            )
            .using_db(uow.conn)
            .values_list("status", flat=True)
        ]
        if RegistrationStatus.COMPLETED in earlier:
            raise DomainError("INVALID_STATE", "this resale is transferred already", ["input", "contractId"])
        if earlier:
            raise DomainError(
                "DUPLICATE", "a transfer application for this contract is under way", ["input", "contractId"]
            )
        form = _form(contract, prop, sellers, buyers)
        registration = await inserted_registration(
            uow,
            kind=RegistrationKind.TRANSFER,
            status=RegistrationStatus.AWAITING_SIGNATURE,
            right_status=RightStatus.PENDING,
            property_id=prop.id,
            contract_id=contract.id,
            application_form=form,
            created_at=use_case.now(),
            fee=fee_of(use_case, RegistrationKind.TRANSFER, prop.usage),
        )
        await uow.write(
            *sql.insert_many(
                RegistrationParty,
                [
                    {
                        "registration_id": registration.id,
                        "party_id": party,
                        "role": role,
                        "position": i,
                        "inquiry_answer": None,
                    }
                    for role, parties in (
                        (RegistrationPartyRole.RIGHT_HOLDER, [b.party.id for b in buyers]),
                        (RegistrationPartyRole.APPLICANT, applicants),
                    )
                    for i, party in enumerate(parties)
                ],
            )
        )
        await uow.record(
            eventlog.NewEvent(
                EventType.REGISTRATION_SUBMITTED,
                _refs(registration),
                {
                    "registrationId": registration.id,
                    "kind": registration.kind,
                    "contractNumber": contract.number,
                    "applicant": viewer.party_id_number,
                    "status": registration.status,
                    "documentHash": canonical_hash(form),
                },
            )
        )
        await uow.commit()
    # Its parties are the sellers and buyers just written.
    return visibility.vouch(registration, visibility.Vouched(persons=frozenset(applicants)))


class _RightRow(NamedTuple):
    kind: str
    effective_until: Any


async def _facts(
    uow: UnitOfWork, use_case: UseCase, registration: Registration, unsigned: tuple[str, ...]
) -> tuple[ResaleTransferFacts, Contract, list[_Person], list[_Person], list[Holder]]:
    assert registration.contract_id is not None  # a transfer application names its contract
    contract = await Contract.filter(id=registration.contract_id).using_db(uow.conn).get()
    sellers, buyers = await _people(uow, contract.id)
    holders = await ownership_holders(uow.conn, registration.property_id)
    rights = await uow.fetch(
        "SELECT kind, effective_until FROM registration"
        " WHERE property_id = ? AND right_status = ? AND kind IN (?, ?, ?, ?)",
        [
            registration.property_id,
            RightStatus.IN_FORCE.value,
            RegistrationKind.SEIZURE.value,
            RegistrationKind.OBJECTION.value,
            RegistrationKind.MORTGAGE.value,
            RegistrationKind.ADVANCE_MORTGAGE.value,
        ],
        _RightRow,
    )
    today = use_case.today()
    kinds = {
        RegistrationKind(r.kind)
        for r in rights
        if not (
            r.kind == RegistrationKind.SEIZURE.value
            and seizure_expired(sql.model_from(Registration, effective_until=r.effective_until).effective_until, today)
        )
    }
    taxes = [
        (taxpayer, TaxKind(kind), TaxStatus(status), amount)
        for taxpayer, kind, status, amount in await TaxRecord.filter(contract_id=contract.id)
        .using_db(uow.conn)
        .values_list("taxpayer_id", "kind", "status", "amount")
    ]
    deed = [(t, s, a) for t, k, s, a in taxes if k == TaxKind.DEED_TAX]
    sellers_own = [(t, s, a) for t, k, s, a in taxes if k != TaxKind.DEED_TAX]
    seller_ids = [s.party.id for s in sellers]
    facts = ResaleTransferFacts(
        contract_filed=contract.status == ContractStatus.FILED,
        unsigned_applicants=unsigned,
        sellers_hold_ownership=bool(seller_ids) and set(seller_ids) == {h.party_id for h in holders},
        seizure_in_force=RegistrationKind.SEIZURE in kinds,
        objection_in_force=RegistrationKind.OBJECTION in kinds,
        # 带押过户: a mortgage in force passes with the home once its lender consented to this resale.
        mortgage_without_consent=bool(kinds & {RegistrationKind.MORTGAGE, RegistrationKind.ADVANCE_MORTGAGE})
        and await mortgages_without_consent(uow.conn, registration.property_id, contract.id) > 0,
        identity_mismatches=tuple(
            p.party.name
            for p in (*sellers, *buyers)
            if p.name_in_shared_data is not None and p.name_in_shared_data != p.party.name
        ),
        deed_tax_settled=taxes_settled([b.party.id for b in buyers], deed),
        seller_taxes_settled=taxes_settled(seller_ids, sellers_own)
        and all(
            {k for t, k, s, _ in taxes if t == seller and s != TaxStatus.CANCELLED}
            >= {TaxKind.VAT, TaxKind.INDIVIDUAL_INCOME_TAX}
            for seller in seller_ids
        ),
        fee_outstanding=await due(uow, registration),
    )
    return facts, contract, sellers, buyers, holders


async def decide_transfer(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    prop: Property,
    unsigned: tuple[str, ...] = (),
    only_to_complete: bool = False,
) -> list[eventlog.NewEvent]:
    """The instant decision on a signed transfer application (the property and the application
    locked). With `only_to_complete` (a payment just recorded) it acts only when it can complete."""
    facts, contract, sellers, buyers, holders = await _facts(uow, use_case, registration, unsigned)
    checks = transfer_checks(facts)
    by_person = registration.decided_by == Decider.REGISTRAR  # approved in review (decideRegistration)
    decision = transfer_decision(checks, approved_by_person=by_person)
    now = use_case.now()
    if only_to_complete and decision != Decision.APPROVE:
        return []
    if by_person and decision == Decision.REJECT:
        # A person approves what a person may judge, never the hard rules: refuse, change nothing.
        failed_hard = [c.message for c in checks if not c.passed and c.rule not in PAYMENT_RULES]
        raise DomainError("INVALID_STATE", "; ".join(failed_hard), ["input", "registrationId"])
    failed = [c.rule for c in checks if not c.passed]
    registration.submitted_at = registration.submitted_at or now
    if decision == Decision.WAIT:
        registration.status = RegistrationStatus.SUBMITTED
        await uow.write(save_decision(registration) if by_person else _save(registration))
        return [
            eventlog.NewEvent(
                EventType.REGISTRATION_SUBMITTED,
                _refs(registration),
                {"registrationId": registration.id, "kind": registration.kind, "waitingFor": failed},
            )
        ]
    if not by_person:  # the checks are recorded once, by the instant decision
        await uow.write(*rule_checks(registration.id, checks))
    if decision == Decision.REVIEW:
        registration.status = RegistrationStatus.IN_REVIEW
        await uow.write(_save(registration))
        return [
            eventlog.NewEvent(
                EventType.REGISTRATION_IN_REVIEW,
                _refs(registration),
                {"registrationId": registration.id, "kind": registration.kind, "failedChecks": failed},
            )
        ]
    if not by_person:
        registration.decided_by = Decider.SYSTEM
    if decision == Decision.REJECT:
        registration.status = RegistrationStatus.REJECTED
        await uow.write(_save(registration))
        return [
            eventlog.NewEvent(
                EventType.REGISTRATION_REJECTED,
                _refs(registration),
                {"registrationId": registration.id, "kind": registration.kind, "failedChecks": failed},
            )
        ]
    return await _complete(uow, use_case, registration, prop, contract, sellers, buyers, holders)


async def _complete(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    prop: Property,
    contract: Contract,
    sellers: list[_Person],
    buyers: list[_Person],
    holders: list[Holder],
) -> list[eventlog.NewEvent]:
    """The buyers hold the ownership with a new certificate; the sellers' right is historic and
    its certificate superseded (this registration replaced it)."""
    ended = sorted({h.registration_id for h in holders})
    registration.converted_from_id = ended[0]
    # At once: the property's status and both families' homes are read with the new owners.
    await uow.execute(
        *sql.update_where(Registration, ended, {"right_status": RightStatus.HISTORIC}),
        sql.update(Registration, registration.id, {"converted_from_id": registration.converted_from_id}),
        # The sale is performed: it gives up the property's filed slot (the next resale takes it).
        sql.update(Contract, contract.id, {"filed_property_id": None}),
    )
    contract.filed_property_id = None
    # The buyers' right is in force with this decision: the home stays registered.
    if prop.status != PropertyStatus.REGISTERED:
        prop.status = PropertyStatus.REGISTERED
        await uow.write(sql.update(Property, prop.id, {"status": prop.status}))
    # The certificate counters are hot rows, taken last and in the order conversion takes them
    # (ownership, then proof), so two decisions never wait on each other.
    certificate = await complete_with_proof(
        uow,
        use_case,
        registration,
        prop,
        [b.party.id for b in buyers],
        {"right": "国有建设用地使用权/房屋所有权", "contractNumber": contract.number, "replaces": ended},
        kind=CertificateKind.OWNERSHIP_CERTIFICATE,
    )
    loan_events = await _register_buyers_loans(uow, use_case, prop, contract, buyers)
    return [
        completed_event(
            registration,
            unitCode=prop.unit_code,
            contractNumber=contract.number,
            sellers=[s.party.id_number for s in sellers],
            buyers=[b.party.id_number for b in buyers],
            replaces=ended,
        ),
        certificate_event(registration, certificate),
        *loan_events,
    ]


async def _register_buyers_loans(
    uow: UnitOfWork, use_case: UseCase, prop: Property, contract: Contract, buyers: list[_Person]
) -> list[eventlog.NewEvent]:
    """The buyers' own loans approved on the resale and signed by every borrower are registered
    in the same decision as the transfer: MORTGAGE rights after those in force (带押过户: the old
    one stays first), every one of a combined loan (组合贷) in the order of the contract's lenders
    (domain/rules/mortgages.py). A loan not signed by all its borrowers stays APPROVED: its lender
    registers it with applyMortgageRegistration once they sign."""
    approved = (
        await Mortgage.filter(contract_id=contract.id, status=MortgageStatus.APPROVED).using_db(uow.conn).order_by("id")
    )
    if not approved:
        return []
    by_id = {m.id: m for m in approved}
    borrowers: dict[int, list[int]] = {m.id: [] for m in approved}
    for mortgage_id, party_id in (
        await MortgageBorrower.filter(mortgage_id__in=list(by_id))
        .using_db(uow.conn)
        .order_by("mortgage_id", "position")
        .values_list("mortgage_id", "party_id")
    ):
        borrowers[int(mortgage_id)].append(int(party_id))
    signers: dict[int, set[int]] = {m.id: set() for m in approved}
    for mortgage_id, signer_id in (
        await Signature.filter(mortgage_id__in=list(by_id)).using_db(uow.conn).values_list("mortgage_id", "signer_id")
    ):
        signers[int(mortgage_id)].add(int(signer_id))
    lenders = sql.ints(
        await ContractLender.filter(contract_id=contract.id)
        .using_db(uow.conn)
        .order_by("position")
        .values_list("party_id", flat=True)
    )
    if contract.lender_id is not None and contract.lender_id not in lenders:  # drafted without lender rows
        lenders.insert(0, contract.lender_id)
    chosen = loans_registered_with_transfer(
        [BuyersLoan(m.id, m.lender_id, tuple(borrowers[m.id]), frozenset(signers[m.id])) for m in approved],
        lenders,
    )
    if not chosen:
        return []
    fee = fee_of(use_case, RegistrationKind.MORTGAGE, prop.usage)
    if fee != NO_FEE:
        # Each loan is applied for in this decision, in the order it ranks, and registers by
        # itself once its fee is paid (mortgages.complete_waiting_mortgages).
        submitted: list[eventlog.NewEvent] = []
        for loan in chosen:
            mortgage = by_id[loan.mortgage_id]
            _, applied = await applied_mortgage(
                uow, use_case, prop, mortgage, list(loan.borrowers), _loan_form(contract, mortgage), fee
            )
            submitted += applied
        return submitted
    parties = {p.id: p for p in await Party.filter(id__in=list({loan.lender_id for loan in chosen})).using_db(uow.conn)}
    # The proof numbers are taken at once, after the ownership certificate's (the counters' order).
    numbers = await certificate_numbers(uow, use_case, CertificateKind.REGISTRATION_PROOF, len(chosen))
    events: list[eventlog.NewEvent] = []
    certificates = []
    for loan, number in zip(chosen, numbers, strict=True):
        mortgage = by_id[loan.mortgage_id]
        form = _loan_form(contract, mortgage)
        # Written one after another behind the property's lock: their ids, so their ranks, follow `chosen`.
        registration = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.MORTGAGE,
            prop.id,
            [mortgage.lender_id],
            [mortgage.lender_id, *loan.borrowers],
            form,
            contract_id=contract.id,
            mortgage_id=mortgage.id,
            number=number,
        )
        certificate = signed_certificate(
            use_case,
            registration,
            CertificateKind.REGISTRATION_PROOF,
            [parties[mortgage.lender_id]],
            prop,
            {"right": "抵押权", "principal": str(mortgage.principal)},
        )
        certificates.append(certificate)
        mortgage.status = MortgageStatus.REGISTERED
        events += [
            completed_event(registration, withTransferOf=contract.id),
            certificate_event(registration, certificate),
        ]
    await uow.write(
        *sql.update_where(Mortgage, [loan.mortgage_id for loan in chosen], {"status": MortgageStatus.REGISTERED}),
        *certificate_inserts(certificates),
    )
    return events


def _loan_form(contract: Contract, mortgage: Mortgage) -> dict[str, Any]:
    return {
        "registrationType": "抵押权登记(存量房转移同时)",
        "contractNumber": contract.number,
        "principal": str(mortgage.principal),
        "termMonths": mortgage.term_months,
    }


async def complete_waiting_transfers(
    uow: UnitOfWork, use_case: UseCase, props: list[Property]
) -> list[eventlog.NewEvent]:
    """Complete every waiting resale transfer on these (locked) properties that nothing blocks now."""
    by_id = {p.id: p for p in props}
    if not by_id:
        return []
    waiting = (
        await Registration.filter(
            property_id__in=list(by_id),
            kind=RegistrationKind.TRANSFER,
            status=RegistrationStatus.SUBMITTED,
            contract__kind=ContractKind.RESALE,  # a new home's transfer is convert_ready's
        )
        .using_db(uow.conn)
        .order_by("id")
    )
    events: list[eventlog.NewEvent] = []
    for found in waiting:
        registration = await uow.lock(Registration, found.id)
        assert registration is not None  # registrations are never deleted
        events += await decide_transfer(
            uow, use_case, registration, by_id[registration.property_id], only_to_complete=True
        )
    return events


def _save(registration: Registration) -> sql.Statement:
    return sql.update(
        Registration,
        registration.id,
        {
            "status": registration.status,
            "submitted_at": registration.submitted_at,
            "decided_by": registration.decided_by,
        },
    )


async def consent_to_transfer(use_case: UseCase, mortgage_id: int, contract_id: int) -> Mortgage:
    """带押过户 (DESIGN §7): the lender of a mortgage in force consents to a resale of the home;
    the mortgage stays in force through the transfer (新旧抵押并存)."""
    viewer = use_case.viewer
    use_case.require_role(Role.BANK, Role.PROVIDENT_FUND, action="consent to a transfer of a mortgaged home")
    found = await visibility.mortgages(viewer, Mortgage.filter(id=mortgage_id)).first()
    if found is None:
        raise DomainError("NOT_FOUND", "no such mortgage", ["input", "mortgageId"])
    if found.lender_id != viewer.party_id:
        raise DomainError("FORBIDDEN", "only the mortgage's lender consents to a transfer")
    if not viewer.authenticated_by("ca"):
        raise DomainError("IDENTITY_UNVERIFIED", "a lender consents with its CA certificate")
    contract = await visibility.contracts(viewer, Contract.filter(id=contract_id)).first()
    if contract is None:
        raise DomainError("NOT_FOUND", "no such contract", ["input", "contractId"])
    async with use_case.unit_of_work() as uow:
        prop = await uow.lock(Property, found.property_id)
        mortgage = await uow.lock(Mortgage, found.id)
        assert prop is not None and mortgage is not None  # neither is ever deleted
        in_force = (
            await Registration.filter(
                mortgage_id=mortgage.id, kind=RegistrationKind.MORTGAGE, right_status=RightStatus.IN_FORCE
            )
            .using_db(uow.conn)
            .exists()
        )
        if not in_force:
            raise DomainError("INVALID_STATE", "the mortgage is not in force on the register", ["input", "mortgageId"])
        if contract.property_id != mortgage.property_id or contract.kind != ContractKind.RESALE:
            raise DomainError(
                "INVALID_STATE", "the contract is not a resale of the mortgaged home", ["input", "contractId"]
            )
        if contract.status == ContractStatus.CANCELLED:
            raise DomainError("INVALID_STATE", "the contract is cancelled", ["input", "contractId"])
        if mortgage.transfer_consent_contract_id == contract.id:
            raise DomainError("DUPLICATE", "you have consented to this resale already", ["input", "contractId"])
        mortgage.transfer_consent_contract_id, mortgage.transfer_consented_at = contract.id, use_case.now()
        await uow.write(
            sql.update(
                Mortgage,
                mortgage.id,
                {"transfer_consent_contract_id": contract.id, "transfer_consented_at": mortgage.transfer_consented_at},
            )
        )
        # Refs name the mortgage, not the contract: the buyers' new lender must not learn this loan.
        await uow.record(
            eventlog.NewEvent(
                EventType.TRANSFER_CONSENTED,
                eventlog.EventRefs(property_id=prop.id, mortgage_id=mortgage.id),
                {"mortgageId": mortgage.id, "contractNumber": contract.number, "contractId": contract.id},
                frozenset(await _contract_parties(uow, contract.id)),
            )
        )
        await uow.commit()
    return mortgage


async def _contract_parties(uow: UnitOfWork, contract_id: int) -> list[int]:
    sellers, buyers = await _people(uow, contract_id)
    return [p.party.id for p in (*sellers, *buyers)]
