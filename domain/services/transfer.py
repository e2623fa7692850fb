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
    FeePayment,
    Mortgage,
    MortgageBorrower,
    Party,
    Property,
    Registration,
    RegistrationParty,
    Signature,
    TaxRecord,
)
from domain.rules.fees import fee_outstanding
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
from domain.services.fees import NO_FEE, fee_of
from domain.services.mortgages import applied_mortgage
from domain.services.ownership import certificate_event, completed_event, completed_registration
from domain.services.resale import Holder, holder, mortgages_without_consent
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


# What the transfer decision reads, in one query: every part a UNION ALL branch of the same
# columns (`_FactRow`), those a part does not use NULL. The parts: the sellers and buyers (alone,
# `_PEOPLE_SQL`), the holders of the ownership in force with the share the contract that brought
# it gave, the rights in force that can stop a transfer, the contract's taxes, the fee paid, and
# the buyers' loans approved on the contract (`_buyers_loans` reads them when there are any),
# and the application's applicants and signers (signRegistration's own facts).
_SELLERS = """
SELECT 'seller' AS part, s.party_id, s.position, CAST(NULL AS INTEGER) AS ref_id, a.name, a.id_number, a.kind,
       CAST(NULL AS TEXT) AS status, s.share AS amount, CAST(NULL AS TIMESTAMPTZ) AS completed_at,
       CAST(NULL AS DATE) AS until, sp.name AS name_in_shared_data
  FROM contract_seller s JOIN party a ON a.id = s.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE s.contract_id = ?"""
_BUYERS = """
SELECT 'buyer', b.party_id, b.position, NULL, a.name, a.id_number, a.kind, NULL, b.share, NULL, NULL, sp.name
  FROM contract_buyer b JOIN party a ON a.id = b.party_id LEFT JOIN shared_person sp ON sp.id_number = a.id_number
 WHERE b.contract_id = ?"""
_PEOPLE_SQL = f"{_SELLERS} UNION ALL {_BUYERS}"
_FACTS_SQL = f"""{_PEOPLE_SQL}
UNION ALL
SELECT 'holder', rp.party_id, rp.position, r.id, a.name, a.id_number, NULL, NULL, cb.share, r.completed_at, NULL, NULL
  FROM registration r
  JOIN registration_party rp ON rp.registration_id = r.id AND rp.role = ?
  JOIN party a ON a.id = rp.party_id
  LEFT JOIN contract_buyer cb ON cb.contract_id = r.contract_id AND cb.party_id = rp.party_id
 WHERE r.property_id = ? AND r.kind IN (?, ?) AND r.right_status = ?
UNION ALL
SELECT 'right', NULL, NULL, r.id, NULL, NULL, r.kind, NULL, NULL, NULL, r.effective_until, NULL
  FROM registration r WHERE r.property_id = ? AND r.right_status = ? AND r.kind IN (?, ?, ?, ?)
UNION ALL
SELECT 'tax', t.taxpayer_id, NULL, t.id, NULL, NULL, t.kind, t.status, t.amount, NULL, NULL, NULL
  FROM tax_record t WHERE t.contract_id = ?
UNION ALL
SELECT 'paid', NULL, NULL, f.id, NULL, NULL, NULL, NULL, f.amount, NULL, NULL, NULL
  FROM fee_payment f WHERE f.registration_id = ?
UNION ALL
SELECT 'loan', NULL, NULL, m.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM mortgage m WHERE m.contract_id = ? AND m.status = ?
UNION ALL
SELECT 'applicant', rp.party_id, rp.position, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM registration_party rp WHERE rp.registration_id = ? AND rp.role = ?
UNION ALL
SELECT 'signer', g.signer_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM signature g WHERE g.registration_id = ?
"""


class _FactRow(NamedTuple):
    part: str
    party_id: int | None
    position: int | None
    ref_id: int | None
    name: str | None
    id_number: str | None
    kind: str | None
    status: str | None
    amount: Any
    completed_at: Any
    until: Any
    name_in_shared_data: str | None


def _side(rows: list[_FactRow], part: str) -> list[_Person]:
    """The sellers or buyers among the rows, in their order, with the names the population record gives."""
    return [
        _Person(
            sql.model_from(Party, id=r.party_id, name=r.name, id_number=r.id_number, kind=r.kind),
            sql.model_from(ContractBuyer, share=r.amount).share,
            r.name_in_shared_data,
        )
        for r in sorted((r for r in rows if r.part == part), key=lambda r: r.position or 0)
    ]


async def _people(uow: UnitOfWork, contract_id: int) -> tuple[list[_Person], list[_Person]]:
    """The contract's sellers and buyers, in their order."""
    rows = await uow.fetch(_PEOPLE_SQL, [contract_id, contract_id], _FactRow)
    return _side(rows, "seller"), _side(rows, "buyer")


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


@dataclass(frozen=True)
class TransferRead:
    """What a transfer application's signature and decision read, under the property's lock."""

    contract: Contract
    rows: list[_FactRow]

    def part(self, name: str) -> list[_FactRow]:
        return [r for r in self.rows if r.part == name]

    @property
    def applicants(self) -> list[int]:
        return [int(r.party_id or 0) for r in sorted(self.part("applicant"), key=lambda r: r.position or 0)]

    @property
    def signers(self) -> set[int]:
        return {int(r.party_id or 0) for r in self.part("signer")}


async def read_transfer(uow: UnitOfWork, registration: Registration, contract: Contract | None) -> TransferRead:
    """The contract (read here unless the caller has it), then everything else in one query (`_FACTS_SQL`)."""
    assert registration.contract_id is not None  # a transfer application names its contract
    if contract is None:
        [contract] = await uow.read_where(Contract, "id = ?", [registration.contract_id])
    rows = await uow.fetch(
        _FACTS_SQL,
        [
            contract.id,
            contract.id,
            RegistrationPartyRole.RIGHT_HOLDER.value,
            registration.property_id,
            RegistrationKind.FIRST_OWNERSHIP.value,
            RegistrationKind.TRANSFER.value,
            RightStatus.IN_FORCE.value,
            registration.property_id,
            RightStatus.IN_FORCE.value,
            RegistrationKind.SEIZURE.value,
            RegistrationKind.OBJECTION.value,
            RegistrationKind.MORTGAGE.value,
            RegistrationKind.ADVANCE_MORTGAGE.value,
            contract.id,
            registration.id,
            contract.id,
            MortgageStatus.APPROVED.value,
            registration.id,
            RegistrationPartyRole.APPLICANT.value,
            registration.id,
        ],
        _FactRow,
    )
    return TransferRead(contract, rows)


async def _facts(
    uow: UnitOfWork, use_case: UseCase, registration: Registration, read: TransferRead, unsigned: tuple[str, ...]
) -> tuple[ResaleTransferFacts, list[_Person], list[_Person], list[Holder]]:
    """The checks' facts, the contract's people and the holders in force."""
    contract, rows = read.contract, read.rows
    sellers, buyers = _side(rows, "seller"), _side(rows, "buyer")
    holders = [
        holder(int(r.party_id or 0), r.id_number or "", r.name or "", r.amount, int(r.ref_id or 0), r.completed_at)
        for r in sorted(read.part("holder"), key=lambda r: (r.ref_id or 0, r.position or 0))
    ]
    today = use_case.today()
    kinds = {
        RegistrationKind(r.kind)
        for r in read.part("right")
        if not (
            r.kind == RegistrationKind.SEIZURE.value
            and seizure_expired(sql.model_from(Registration, effective_until=r.until).effective_until, today)
        )
    }
    taxes = [
        (int(r.party_id or 0), TaxKind(r.kind), TaxStatus(r.status), sql.model_from(TaxRecord, amount=r.amount).amount)
        for r in read.part("tax")
    ]
    paid = [sql.model_from(FeePayment, amount=r.amount).amount for r in read.part("paid")]
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
        fee_outstanding=fee_outstanding(registration.fee, paid),
    )
    return facts, sellers, buyers, holders


async def decide_transfer(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    prop: Property,
    unsigned: tuple[str, ...] = (),
    only_to_complete: bool = False,
    read: TransferRead | None = None,
) -> list[eventlog.NewEvent]:
    """The instant decision on a signed transfer application (the property and the application
    locked; `read` when the caller read it already). With `only_to_complete` (a payment just
    recorded) it acts only when it can complete."""
    read = read or await read_transfer(uow, registration, None)
    contract = read.contract
    facts, sellers, buyers, holders = await _facts(uow, use_case, registration, read, unsigned)
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
    return await _complete(
        uow, use_case, registration, prop, contract, sellers, buyers, holders, bool(read.part("loan"))
    )


async def _complete(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    prop: Property,
    contract: Contract,
    sellers: list[_Person],
    buyers: list[_Person],
    holders: list[Holder],
    loans_approved: bool,
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
    # Read before the counters: they are hot rows, held from here to the commit.
    loans, chosen = await _buyers_loans(uow, contract) if loans_approved else ({}, [])
    # The certificate counters are taken last and in the order conversion takes them
    # (ownership, then proof), so two decisions never wait on each other.
    certificate = await complete_with_proof(
        uow,
        use_case,
        registration,
        prop,
        [b.party for b in buyers],
        {"right": "国有建设用地使用权/房屋所有权", "contractNumber": contract.number, "replaces": ended},
        kind=CertificateKind.OWNERSHIP_CERTIFICATE,
    )
    loan_events = await _register_buyers_loans(uow, use_case, prop, contract, loans, chosen)
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


async def _buyers_loans(uow: UnitOfWork, contract: Contract) -> tuple[dict[int, Mortgage], list[BuyersLoan]]:
    """The buyers' loans approved on the resale that register with its transfer, in their order
    (`_register_buyers_loans`), and the approved mortgages by id."""
    approved = await uow.read_where(
        Mortgage, "contract_id = ? AND status = ?", [contract.id, MortgageStatus.APPROVED.value]
    )
    if not approved:
        return {}, []
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
    return by_id, chosen


async def _register_buyers_loans(
    uow: UnitOfWork,
    use_case: UseCase,
    prop: Property,
    contract: Contract,
    by_id: dict[int, Mortgage],
    chosen: list[BuyersLoan],
) -> list[eventlog.NewEvent]:
    """The buyers' own loans approved on the resale and signed by every borrower are registered
    in the same decision as the transfer: MORTGAGE rights after those in force (带押过户: the old
    one stays first), every one of a combined loan (组合贷) in the order of the contract's lenders
    (domain/rules/mortgages.py). A loan not signed by all its borrowers stays APPROVED: its lender
    registers it with applyMortgageRegistration once they sign."""
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
