"""First registration to the developer, and the transfer to the buyers (预告转本, DESIGN §2 step 9).

A transfer completes at once when the contract is filed, the building is first-registered, the
deed tax is paid and nothing is seized. `convert_ready` is called by everything that can remove
the last obstacle (the application itself, the last tax payment, a seizure's release or lapse),
inside the caller's transaction, with the properties' rows locked. It works on many properties
at once: the facts are read in a few queries for all of them, and what the transfers add is
written together, so a 1,000-unit application stays quick.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain import eventlog, sql
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
from domain.services.certificates import certificate_inserts, certificate_numbers, signed_certificate
from domain.services.context import UseCase
from domain.unit_of_work import UnitOfWork


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
        **columns,
    }
    registration = Registration(**values)
    registration.id = await uow.insert(Registration, values)
    rows = parties_of(registration.id, holders, applicants)
    if writes is not None:
        writes.parties += rows
    else:
        await uow.write(*sql.insert_many(RegistrationParty, rows))
    return registration


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

    async def flush(self, uow: UnitOfWork) -> None:
        """At once, so what the use case reads next sees it."""
        await uow.execute(
            *sql.insert_many(RegistrationParty, self.parties),
            *sql.update_where(Registration, self.ended, {"right_status": RightStatus.HISTORIC}),
            *certificate_inserts(self.certificates),
            *sql.update_where(Mortgage, self.registered_mortgages, {"status": MortgageStatus.REGISTERED}),
            *sql.update_where(Property, self.owned_properties, {"status": PropertyStatus.REGISTERED}),
        )
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


async def _sales(uow: UnitOfWork, props: list[Property]) -> list[_Sale]:
    """Each property's filed contract with everything a transfer reads, in six queries for all."""
    by_id = {p.id: p for p in props}
    contracts = await Contract.filter(
        property_id__in=list(by_id), status=ContractStatus.FILED, kind=ContractKind.NEW_HOME
    ).using_db(uow.conn)
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
        seized = any(
            r.kind == RegistrationKind.SEIZURE
            and r.right_status == RightStatus.IN_FORCE
            and not seizure_expired(r.effective_until, today)
            for r in sale.registrations
        )
        facts = TransferFacts(
            contract_filed=True,
            tax_settled=deed_tax_settled(sale.buyers, tax[sale.contract.id]),
            seizure_in_force=seized,
            first_registered=sale.in_force(RegistrationKind.FIRST_OWNERSHIP) is not None,
            already_transferred=any(
                r.kind == RegistrationKind.TRANSFER and r.contract_id == sale.contract.id for r in sale.registrations
            ),
            objection_in_force=sale.in_force(RegistrationKind.OBJECTION) is not None,
        )
        if transfer_blocker(facts) is None:
            ready.append(sale)
    return ready


async def convert_ready(uow: UnitOfWork, use_case: UseCase, props: list[Property]) -> list[eventlog.NewEvent]:
    """Transfer every one of these new homes whose sale nothing blocks; returns the events.
    Callers go through `domain/services/completion.py`, which also completes resale transfers."""
    sales = await _sales(uow, props)
    ready = await _ready(uow, use_case, sales) if sales else []
    if not ready:
        return []
    parties = {
        p.id: p
        for p in await Party.filter(
            id__in={p for s in ready for p in (*s.buyers, s.contract.seller_id, *(m.lender_id for m in s.mortgages))}
        ).using_db(uow.conn)
    }
    ownership_numbers = iter(
        await certificate_numbers(uow, use_case, CertificateKind.OWNERSHIP_CERTIFICATE, len(ready))
    )
    proof_numbers = iter(
        await certificate_numbers(
            uow,
            use_case,
            CertificateKind.REGISTRATION_PROOF,
            sum(len(s.advance_mortgages()) for s in ready),
        )
    )
    writes = Writes()
    for sale in ready:
        await _transfer(uow, use_case, sale, parties, next(ownership_numbers), writes)
        for mortgage, advance in sale.advance_mortgages():
            await _register_mortgage(uow, use_case, sale, mortgage, advance, parties, next(proof_numbers), writes)
    await writes.flush(uow)
    return writes.events


async def _transfer(
    uow: UnitOfWork, use_case: UseCase, sale: _Sale, parties: dict[int, Party], number: str, writes: Writes
) -> None:
    contract, prop = sale.contract, sale.prop
    notice = sale.in_force(RegistrationKind.ADVANCE_NOTICE, contract_id=contract.id)
    first = sale.in_force(RegistrationKind.FIRST_OWNERSHIP)
    assert first is not None  # a sale is ready only once the building is first-registered
    form = {
        "registrationType": "转移登记(首次转移)",
        "contractNumber": contract.number,
        "unitCode": prop.unit_code,
        "firstOwnership": first.id,
        "advanceNotice": notice.number if notice else None,
    }
    transfer = await completed_registration(
        uow,
        use_case.now(),
        RegistrationKind.TRANSFER,
        prop.id,
        sale.buyers,
        [contract.seller_id, *sale.buyers],
        form,
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
) -> None:
    """预告抵押 becomes 抵押权 once the buyers own the home."""
    form = {
        "registrationType": "抵押权登记(预告抵押转现)",
        "principal": str(mortgage.principal),
        "termMonths": mortgage.term_months,
    }
    registration = await completed_registration(
        uow,
        use_case.now(),
        RegistrationKind.MORTGAGE,
        sale.prop.id,
        [mortgage.lender_id],
        [mortgage.lender_id, *sale.borrowers[mortgage.id]],
        form,
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
