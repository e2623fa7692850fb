"""First registration to the developer, and the transfer to the buyers (预告转本, DESIGN §2 step 9).

A transfer completes at once when the contract is filed, the building is first-registered, the
deed tax is paid, nothing is seized, and its fee (登记费, DESIGN §7) is paid: when nothing else
blocks, the transfer is applied for (SUBMITTED, with its fee) and completes in the transaction
that records the payment. The same holds for the developer's first registration
(`complete_first_ownerships`) and for each of the buyers' mortgages when its advance mortgage
converts. `convert_ready` is called, through `domain/services/completion.py`, by everything that
can remove the last obstacle (the application itself, the last tax or fee payment, a seizure's
release or lapse), inside the caller's transaction, with the properties' rows locked. It works
on many properties at once: the facts are read in a few queries for all of them, and what the
transfers add is written together, so a 1,000-unit application stays quick.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, Subquery

from domain import eventlog, sql
from domain.enums import (
    FINAL_REGISTRATION_STATUSES,
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
    TaxStatus,
)
from domain.models import (
    Certificate,
    Contract,
    ContractBuyer,
    Mortgage,
    MortgageBorrower,
    Party,
    Property,
    Registration,
    RegistrationParty,
    TaxRecord,
)
from domain.rules.ownership import TransferFacts, deed_tax_settled, seizure_expired, transfer_blocker
from domain.services.applications import inserted_registration
from domain.services.certificates import certificate_inserts, certificate_numbers, signed_certificate
from domain.services.context import UseCase
from domain.services.fees import NO_FEE, fee_of, outstanding
from domain.unit_of_work import UnitOfWork

FIRST_TRANSFER_FORM = "转移登记(首次转移)"
CONVERTED_MORTGAGE_FORM = "抵押权登记(预告抵押转现)"


def _refs(registration: Registration) -> eventlog.EventRefs:
    return eventlog.EventRefs(
        property_id=registration.property_id,
        contract_id=registration.contract_id,
        registration_id=registration.id,
        mortgage_id=registration.mortgage_id,
    )


def completed_event(registration: Registration, **extra: Any) -> eventlog.NewEvent:
    payload = {
        "registrationId": registration.id,
        "kind": registration.kind,
        "number": registration.number,
        "decidedBy": registration.decided_by,
        **extra,
    }
    return eventlog.NewEvent(EventType.REGISTRATION_COMPLETED, _refs(registration), payload)


def certificate_event(registration: Registration, certificate: Certificate) -> eventlog.NewEvent:
    payload = {"number": certificate.number, "kind": certificate.kind, "contentHash": certificate.content_hash}
    return eventlog.NewEvent(EventType.CERTIFICATE_ISSUED, _refs(registration), payload)


def parties_of(registration_id: int, holders: list[int], applicants: list[int]) -> list[dict[str, Any]]:
    return [
        {"registration_id": registration_id, "party_id": p, "role": role, "position": i, "inquiry_answer": None}
        for role, parties in (
            (RegistrationPartyRole.RIGHT_HOLDER, holders),
            (RegistrationPartyRole.APPLICANT, applicants),
        )
        for i, p in enumerate(parties)
    ]


async def completed_registration(
    uow: UnitOfWork,
    now: datetime,
    kind: RegistrationKind,
    prop_id: int,
    holders: list[int],
    applicants: list[int],
    form: dict[str, Any],
    decided_by: Decider = Decider.SYSTEM,
    writes: Writes | None = None,
    **columns: Any,
) -> Registration:
    """A registration decided and in force at once, inserted now (its id is needed). Its parties
    go to `writes` when given (saved with the rest of a batch), else with the commit."""
    values = {
        "kind": kind,
        "status": RegistrationStatus.COMPLETED,
        "right_status": RightStatus.IN_FORCE,
        "property_id": prop_id,
        "application_form": form,
        "decided_by": decided_by,
        "submitted_at": now,
        "completed_at": now,
        "created_at": now,
        # A charged kind passes fee=fees.fee_of(...); the rest are free.
        "fee": NO_FEE,
        **columns,
    }
    registration = await inserted_registration(uow, **values)
    rows = parties_of(registration.id, holders, applicants)
    if writes is not None:
        writes.parties += rows
    else:
        await uow.write(*sql.insert_many(RegistrationParty, rows))
    return registration


async def awaiting_fee(
    uow: UnitOfWork,
    now: datetime,
    kind: RegistrationKind,
    prop_id: int,
    holders: list[int],
    applicants: list[int],
    form: dict[str, Any],
    fee: Decimal,
    writes: Writes,
    **columns: Any,
) -> Registration:
    """A registration applied for that completes once its fee is paid (SUBMITTED, its right
    PENDING), inserted now; its parties and its REGISTRATION_SUBMITTED event go to `writes`."""
    values = {
        "kind": kind,
        "status": RegistrationStatus.SUBMITTED,
        "right_status": RightStatus.PENDING,
        "property_id": prop_id,
        "application_form": form,
        "submitted_at": now,
        "created_at": now,
        "fee": fee,
        **columns,
    }
    registration = await inserted_registration(uow, **values)
    writes.parties += parties_of(registration.id, holders, applicants)
    payload = {"registrationId": registration.id, "kind": kind, "fee": fee, "awaiting": "FEE"}
    writes.events.append(eventlog.NewEvent(EventType.REGISTRATION_SUBMITTED, _refs(registration), payload))
    return registration


def complete(registration: Registration, now: datetime, writes: Writes, number: str | None = None) -> None:
    """A registration that waited for its fee is decided now (queued in `writes`)."""
    registration.status, registration.right_status = RegistrationStatus.COMPLETED, RightStatus.IN_FORCE
    registration.completed_at, registration.decided_by = now, Decider.SYSTEM
    values: dict[str, Any] = {
        "status": registration.status,
        "right_status": registration.right_status,
        "completed_at": now,
        "decided_by": Decider.SYSTEM,
    }
    if number is not None:
        registration.number = values["number"] = number
    writes.completions.append((registration.id, values))


async def end_right(uow: UnitOfWork, registration: Registration, status: RightStatus = RightStatus.HISTORIC) -> None:
    """At once: what the use case reads next (transfers, the property's status) must see it."""
    registration.right_status = status
    await uow.execute(sql.update(Registration, registration.id, {"right_status": status}))


@dataclass
class Writes:
    """What a batch of registrations adds or changes besides the registrations themselves."""

    parties: list[dict[str, Any]] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    registered_mortgages: list[int] = field(default_factory=list)
    owned_properties: list[int] = field(default_factory=list)
    events: list[eventlog.NewEvent] = field(default_factory=list)
    # Registrations that waited for their fee and are decided now: (id, changed columns).
    completions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    async def flush(self, uow: UnitOfWork) -> None:
        """At once, so what the use case reads next sees it."""
        await uow.execute(
            *[sql.update(Registration, pk, values) for pk, values in self.completions],
            *sql.insert_many(RegistrationParty, self.parties),
            *sql.update_where(Registration, self.ended, {"right_status": RightStatus.HISTORIC}),
            *certificate_inserts(self.certificates),
            *sql.update_where(Mortgage, self.registered_mortgages, {"status": MortgageStatus.REGISTERED}),
            *sql.update_where(Property, self.owned_properties, {"status": PropertyStatus.REGISTERED}),
        )
        self.completions = []
        self.parties, self.ended, self.certificates, self.registered_mortgages, self.owned_properties = (
            [],
            [],
            [],
            [],
            [],
        )


@dataclass
class _Sale:
    prop: Property
    contract: Contract
    buyers: list[int]
    registrations: list[Registration]
    # The advance-registered mortgages: one, or two for a combined loan (组合贷, issue 14).
    mortgages: list[Mortgage] = field(default_factory=list)
    borrowers: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # per mortgage id

    def advance_mortgages(self) -> list[tuple[Mortgage, Registration]]:
        """Each mortgage with its advance mortgage in force, in the order those were registered
        (their registration ids): the order the conversions happen in, and so their priority."""
        pairs = []
        for mortgage in self.mortgages:
            advance = self.in_force(RegistrationKind.ADVANCE_MORTGAGE, mortgage_id=mortgage.id)
            if advance is not None:
                pairs.append((mortgage, advance))
        return sorted(pairs, key=lambda pair: pair[1].id)

    def in_force(self, kind: RegistrationKind, **match: Any) -> Registration | None:
        return next(
            (
                r
                for r in self.registrations
                if r.kind == kind
                and r.right_status == RightStatus.IN_FORCE
                and all(getattr(r, k) == v for k, v in match.items())
            ),
            None,
        )

    def awaiting(self, kind: RegistrationKind, **match: Any) -> Registration | None:
        """The application of `kind` not yet decided (one waiting for its fee)."""
        return next(
            (
                r
                for r in self.registrations
                if r.kind == kind
                and r.status not in FINAL_REGISTRATION_STATUSES
                and all(getattr(r, k) == v for k, v in match.items())
            ),
            None,
        )


async def _sales(uow: UnitOfWork, props: list[Property]) -> list[_Sale]:
    """Each property's filed contract with everything a transfer reads, in six queries for all."""
    by_id = {p.id: p for p in props}
    # A sale transferred already has nothing left to do but its advance mortgages' conversions:
    # the resales of a home would otherwise read its first sale's whole file on every payment.
    transferred = Registration.filter(
        property_id__in=list(by_id),
        kind=RegistrationKind.TRANSFER,
        status=RegistrationStatus.COMPLETED,
        contract_id__isnull=False,  # NOT IN over a NULL would exclude every sale
    ).values("contract_id")
    converting = Mortgage.filter(
        property_id__in=list(by_id), status=MortgageStatus.ADVANCE_REGISTERED, contract_id__isnull=False
    ).values("contract_id")
    contracts = (
        await Contract.filter(property_id__in=list(by_id), status=ContractStatus.FILED, kind=ContractKind.NEW_HOME)
        .filter(~Q(id__in=Subquery(transferred)) | Q(id__in=Subquery(converting)))
        .using_db(uow.conn)
    )
    if not contracts:
        return []
    contract_ids = [c.id for c in contracts]
    buyers: dict[int, list[int]] = defaultdict(list)
    for contract_id, party_id in (
        await ContractBuyer.filter(contract_id__in=contract_ids)
        .using_db(uow.conn)
        .order_by("position")
        .values_list("contract_id", "party_id")
    ):
        buyers[contract_id].append(party_id)
    registrations: dict[int, list[Registration]] = defaultdict(list)
    for registration in await Registration.filter(property_id__in=list(by_id)).using_db(uow.conn).order_by("id"):
        registrations[registration.property_id].append(registration)
    sales = {c.id: _Sale(by_id[c.property_id], c, buyers[c.id], registrations[c.property_id]) for c in contracts}
    for mortgage in (
        await Mortgage.filter(contract_id__in=contract_ids, status=MortgageStatus.ADVANCE_REGISTERED)
        .using_db(uow.conn)
        .order_by("id")
    ):
        if mortgage.contract_id is not None:  # always: the filter names it
            sales[mortgage.contract_id].mortgages.append(mortgage)
    mortgage_ids = {m.id: s for s in sales.values() for m in s.mortgages}
    for mortgage_id, party_id in (
        await MortgageBorrower.filter(mortgage_id__in=list(mortgage_ids))
        .using_db(uow.conn)
        .order_by("position")
        .values_list("mortgage_id", "party_id")
    ):
        mortgage_ids[mortgage_id].borrowers[mortgage_id].append(party_id)
    return list(sales.values())


async def _ready(uow: UnitOfWork, use_case: UseCase, sales: list[_Sale]) -> list[_Sale]:
    tax: dict[int, list[tuple[int, TaxStatus]]] = defaultdict(list)
    for contract_id, taxpayer, status in (
        await TaxRecord.filter(contract_id__in=[s.contract.id for s in sales])
        .using_db(uow.conn)
        .values_list("contract_id", "taxpayer_id", "status")
    ):
        tax[contract_id].append((taxpayer, TaxStatus(status)))
    today = use_case.today()
    ready = []
    for sale in sales:
        facts = TransferFacts(
            contract_filed=True,
            tax_settled=deed_tax_settled(sale.buyers, tax[sale.contract.id]),
            seizure_in_force=_seized(sale, today),
            first_registered=sale.in_force(RegistrationKind.FIRST_OWNERSHIP) is not None,
            already_transferred=any(
                r.kind == RegistrationKind.TRANSFER
                and r.contract_id == sale.contract.id
                and r.status == RegistrationStatus.COMPLETED
                for r in sale.registrations
            ),
            objection_in_force=sale.in_force(RegistrationKind.OBJECTION) is not None,
        )
        if transfer_blocker(facts) is None:
            ready.append(sale)
    return ready


async def convert_ready(uow: UnitOfWork, use_case: UseCase, props: list[Property]) -> list[eventlog.NewEvent]:
    """Transfer every one of these new homes whose sale nothing blocks; returns the events.
    Callers go through `domain/services/completion.py`, which also completes resale transfers.

    A sale nothing else blocks whose transfer fee is not paid gets its TRANSFER application
    (SUBMITTED, with its fee) and waits; so does each of the buyers' mortgages when the transfer
    completes (one, or those of a combined loan). The payment that settles one calls this again."""
    sales = await _sales(uow, props)
    if not sales:
        return []
    ready = await _ready(uow, use_case, sales)
    today = use_case.today()
    writes = Writes()
    waiting = {s.contract.id: s.awaiting(RegistrationKind.TRANSFER, contract_id=s.contract.id) for s in ready}
    # Mortgages applied for with a transfer completed earlier, waiting for their fee.
    conversions = [
        (sale, mortgage, advance, pending)
        for sale in sales
        if not _encumbered(sale, today)
        for mortgage, advance in sale.advance_mortgages()
        if (pending := sale.awaiting(RegistrationKind.MORTGAGE, converted_from_id=advance.id)) is not None
    ]
    due = await outstanding(
        uow, [r.id for r in waiting.values() if r is not None] + [pending.id for *_, pending in conversions]
    )
    transferring: list[tuple[_Sale, Registration | None]] = []
    for sale in ready:
        pending = waiting[sale.contract.id]
        if pending is None:
            fee = fee_of(use_case, RegistrationKind.TRANSFER, sale.prop.usage)
            if fee == NO_FEE:
                transferring.append((sale, None))
            else:
                await _apply_transfer(uow, use_case, sale, fee, writes)
        elif due[pending.id] == NO_FEE:
            transferring.append((sale, pending))
    # The buyers' mortgages convert with the transfer, or are applied for and wait for their fee.
    mortgages: list[tuple[_Sale, Mortgage, Registration, Registration | None]] = [
        c for c in conversions if due[c[3].id] == NO_FEE
    ]
    if not transferring and not mortgages:
        await writes.flush(uow)
        return writes.events
    parties = await _parties(uow, [s for s, _ in transferring] + [s for s, *_ in mortgages])
    ownership_numbers = iter(
        await certificate_numbers(uow, use_case, CertificateKind.OWNERSHIP_CERTIFICATE, len(transferring))
    )
    for sale, pending in transferring:
        await _transfer(uow, use_case, sale, parties, next(ownership_numbers), writes, pending)
        fee = fee_of(use_case, RegistrationKind.MORTGAGE, sale.prop.usage)
        for mortgage, advance in sale.advance_mortgages():
            if fee == NO_FEE:
                mortgages.append((sale, mortgage, advance, None))
                continue
            # In the order of the advance mortgages: the priority each keeps (domain/rules/mortgages.py).
            await awaiting_fee(
                uow,
                use_case.now(),
                RegistrationKind.MORTGAGE,
                sale.prop.id,
                [mortgage.lender_id],
                [mortgage.lender_id, *sale.borrowers[mortgage.id]],
                _mortgage_form(mortgage),
                fee,
                writes,
                contract_id=sale.contract.id,
                mortgage_id=mortgage.id,
                converted_from_id=advance.id,
            )
    proof_numbers = iter(await certificate_numbers(uow, use_case, CertificateKind.REGISTRATION_PROOF, len(mortgages)))
    for sale, mortgage, advance, pending in mortgages:
        await _register_mortgage(uow, use_case, sale, mortgage, advance, parties, next(proof_numbers), writes, pending)
    await writes.flush(uow)
    return writes.events


def _seized(sale: _Sale, today: date) -> bool:
    return any(
        r.kind == RegistrationKind.SEIZURE
        and r.right_status == RightStatus.IN_FORCE
        and not seizure_expired(r.effective_until, today)
        for r in sale.registrations
    )


def _encumbered(sale: _Sale, today: date) -> bool:
    """A seizure (not past its date) or an objection in force: nothing registers on the home."""
    return _seized(sale, today) or sale.in_force(RegistrationKind.OBJECTION) is not None


async def _parties(uow: UnitOfWork, sales: list[_Sale]) -> dict[int, Party]:
    return {
        p.id: p
        for p in await Party.filter(
            id__in={p for s in sales for p in (*s.buyers, s.contract.seller_id, *(m.lender_id for m in s.mortgages))}
        ).using_db(uow.conn)
    }


def _transfer_form(sale: _Sale, first: Registration) -> dict[str, Any]:
    notice = sale.in_force(RegistrationKind.ADVANCE_NOTICE, contract_id=sale.contract.id)
    return {
        "registrationType": FIRST_TRANSFER_FORM,
        "contractNumber": sale.contract.number,
        "unitCode": sale.prop.unit_code,
        "firstOwnership": first.id,
        "advanceNotice": notice.number if notice else None,
    }


def _mortgage_form(mortgage: Mortgage) -> dict[str, Any]:
    return {
        "registrationType": CONVERTED_MORTGAGE_FORM,
        "principal": str(mortgage.principal),
        "termMonths": mortgage.term_months,
    }


async def _apply_transfer(uow: UnitOfWork, use_case: UseCase, sale: _Sale, fee: Decimal, writes: Writes) -> None:
    """The transfer is applied for and waits for its fee (首次转移登记, SUBMITTED)."""
    first = sale.in_force(RegistrationKind.FIRST_OWNERSHIP)
    assert first is not None  # a sale is ready only once the building is first-registered
    notice = sale.in_force(RegistrationKind.ADVANCE_NOTICE, contract_id=sale.contract.id)
    await awaiting_fee(
        uow,
        use_case.now(),
        RegistrationKind.TRANSFER,
        sale.prop.id,
        sale.buyers,
        [sale.contract.seller_id, *sale.buyers],
        _transfer_form(sale, first),
        fee,
        writes,
        contract_id=sale.contract.id,
        converted_from_id=notice.id if notice else None,
    )


async def _transfer(
    uow: UnitOfWork,
    use_case: UseCase,
    sale: _Sale,
    parties: dict[int, Party],
    number: str,
    writes: Writes,
    pending: Registration | None = None,
) -> None:
    contract, prop = sale.contract, sale.prop
    notice = sale.in_force(RegistrationKind.ADVANCE_NOTICE, contract_id=contract.id)
    first = sale.in_force(RegistrationKind.FIRST_OWNERSHIP)
    assert first is not None  # a sale is ready only once the building is first-registered
    if pending is not None:
        transfer = pending
        complete(transfer, use_case.now(), writes, number)
    else:
        transfer = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.TRANSFER,
            prop.id,
            sale.buyers,
            [contract.seller_id, *sale.buyers],
            _transfer_form(sale, first),
            writes=writes,
            contract_id=contract.id,
            converted_from_id=notice.id if notice else None,
            number=number,
        )
    writes.ended += [first.id] + ([notice.id] if notice else [])
    certificate = signed_certificate(
        use_case,
        transfer,
        CertificateKind.OWNERSHIP_CERTIFICATE,
        [parties[b] for b in sale.buyers],
        prop,
        {"right": "国有建设用地使用权/房屋所有权", "contractNumber": contract.number},
    )
    writes.certificates.append(certificate)
    writes.owned_properties.append(prop.id)
    writes.events += [
        completed_event(transfer, convertedFrom=notice.id if notice else None),
        certificate_event(transfer, certificate),
    ]


async def _register_mortgage(
    uow: UnitOfWork,
    use_case: UseCase,
    sale: _Sale,
    mortgage: Mortgage,
    advance: Registration,
    parties: dict[int, Party],
    number: str,
    writes: Writes,
    pending: Registration | None = None,
) -> None:
    """预告抵押 becomes 抵押权 once the buyers own the home (and the mortgage's fee is paid)."""
    if pending is not None:
        registration = pending
        complete(registration, use_case.now(), writes, number)
    else:
        registration = await completed_registration(
            uow,
            use_case.now(),
            RegistrationKind.MORTGAGE,
            sale.prop.id,
            [mortgage.lender_id],
            [mortgage.lender_id, *sale.borrowers[mortgage.id]],
            _mortgage_form(mortgage),
            writes=writes,
            contract_id=sale.contract.id,
            mortgage_id=mortgage.id,
            converted_from_id=advance.id,
            number=number,
        )
    writes.ended.append(advance.id)
    writes.registered_mortgages.append(mortgage.id)
    certificate = signed_certificate(
        use_case,
        registration,
        CertificateKind.REGISTRATION_PROOF,
        [parties[mortgage.lender_id]],
        sale.prop,
        {"right": "抵押权", "principal": str(mortgage.principal)},
    )
    writes.certificates.append(certificate)
    writes.events += [
        completed_event(registration, convertedFrom=advance.id),
        certificate_event(registration, certificate),
    ]


async def complete_first_ownerships(
    uow: UnitOfWork, use_case: UseCase, props: list[Property]
) -> list[eventlog.NewEvent]:
    """The developer's first registrations on these (locked) properties that waited for their
    fee and are paid now: they complete, and the property is first-registered."""
    waiting = (
        await Registration.filter(
            property_id__in=[p.id for p in props],
            kind=RegistrationKind.FIRST_OWNERSHIP,
            status=RegistrationStatus.SUBMITTED,
        )
        .using_db(uow.conn)
        .order_by("id")
    )
    if not waiting:
        return []
    due = await outstanding(uow, [r.id for r in waiting])
    paid = [r for r in waiting if due[r.id] == NO_FEE]
    if not paid:
        return []
    now = use_case.now()
    writes = Writes()
    for registration in paid:
        complete(registration, now, writes)
    by_id = {p.id: p for p in props}
    for registration in paid:
        prop = by_id[registration.property_id]
        prop.first_registered_at, prop.status = now, PropertyStatus.REGISTERED
    await uow.execute(
        *sql.update_where(
            Property,
            [r.property_id for r in paid],
            {"first_registered_at": now, "status": PropertyStatus.REGISTERED},
        )
    )
    await writes.flush(uow)
    return [completed_event(r) for r in paid]
