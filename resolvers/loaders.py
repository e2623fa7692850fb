"""One DataLoader per relation, created per operation, with the viewer's visibility applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from domain import visibility
from domain.enums import ContractStatus, EventType, RegistrationKind, RegistrationPartyRole, RightStatus
from domain.models import (
    Certificate,
    Contract,
    ContractBuyer,
    ContractLender,
    Event,
    FeePayment,
    FundDeposit,
    Mortgage,
    MortgageBorrower,
    Party,
    Permit,
    Property,
    Registration,
    RegistrationParty,
    RuleCheck,
    Signature,
    TaxRecord,
)
from domain.rules import mortgages as mortgage_rules
from domain.viewer import Viewer
from resolvers.access_log import AccessLog

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)
Filter = Callable[[Viewer, QuerySet[M]], QuerySet[M]]


@dataclass(frozen=True)
class MortgageRanks:
    """The mortgage rights in force on one property and their priorities (1 = first)."""

    by_registration: dict[int, int]
    by_mortgage: dict[int, int]

    @classmethod
    def of(cls, rights: list[mortgage_rules.MortgageRight]) -> MortgageRanks:
        ranks = mortgage_rules.ranks(rights)
        by_mortgage = {r.mortgage_id: ranks[r.registration_id] for r in rights if r.mortgage_id is not None}
        return cls(by_registration=ranks, by_mortgage=by_mortgage)

    @property
    def in_force(self) -> int:
        return len(self.by_registration)


OWNERSHIP_KINDS = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


def _everything(_viewer: Viewer, query: QuerySet[M]) -> QuerySet[M]:
    return query


def attribute_path(row: Any, path: str) -> Any:
    for part in path.split("."):
        row = getattr(row, part)
    return row


def by_id(model: type[M], viewer: Viewer | None, allowed: Filter[M] = _everything) -> DataLoader[int, M | None]:
    """Rows by primary key; None for rows that do not exist or the viewer may not see."""

    async def load(ids: list[int]) -> list[M | None]:
        if viewer is None:
            return [None] * len(ids)
        rows = {row.pk: row for row in await allowed(viewer, model.filter(pk__in=list(set(ids))))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def visible_by_id(model: type[M], viewer: Viewer | None) -> DataLoader[int, M | None]:
    """Rows by primary key through the one visibility rule of `model`."""
    return by_id(model, viewer, lambda vw, q: visibility.filtered(vw, q))


def grouped(
    query: Callable[[list[K]], QuerySet[M]], key: str, viewer: Viewer | None, allowed: Filter[M] = _everything
) -> DataLoader[K, list[M]]:
    """Lists of rows per parent key, in the query's order."""

    async def load(keys: list[K]) -> list[list[M]]:
        if viewer is None:
            return [[] for _ in keys]
        groups: dict[K, list[M]] = defaultdict(list)
        for row in await allowed(viewer, query(list(set(keys)))):
            groups[attribute_path(row, key)].append(row)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """Created per operation; each loader is built on first use, most requests need few."""

    def __init__(self, viewer: Viewer | None) -> None:
        self.viewer = viewer
        self.access_log = AccessLog(viewer)

    @cached_property
    def party(self) -> DataLoader[int, Party | None]:
        # Rows by id. Parties and public property facts are for every signed-in viewer.
        return by_id(Party, self.viewer)

    @cached_property
    def party_by_id_number(self) -> DataLoader[str, Party | None]:
        """Parties by ID number (None for numbers no party has), for ID numbers inside event payloads."""

        async def load(numbers: list[str]) -> list[Party | None]:
            rows = {row.id_number: row for row in await Party.filter(id_number__in=list(set(numbers)))}
            return [rows.get(n) for n in numbers]

        return DataLoader(load_fn=load)

    @cached_property
    def property(self) -> DataLoader[int, Property | None]:
        return by_id(Property, self.viewer)

    @cached_property
    def permit(self) -> DataLoader[int, Permit | None]:
        return visible_by_id(Permit, self.viewer)

    @cached_property
    def permit_facts(self) -> DataLoader[int, Permit | None]:
        # For rules that read a permit's terms on a record the viewer may see; never returned.
        return by_id(Permit, self.viewer)

    @cached_property
    def contract(self) -> DataLoader[int, Contract | None]:
        return visible_by_id(Contract, self.viewer)

    @cached_property
    def registration(self) -> DataLoader[int, Registration | None]:
        return visible_by_id(Registration, self.viewer)

    @cached_property
    def tax_record(self) -> DataLoader[int, TaxRecord | None]:
        return visible_by_id(TaxRecord, self.viewer)

    @cached_property
    def mortgage(self) -> DataLoader[int, Mortgage | None]:
        return visible_by_id(Mortgage, self.viewer)

    @cached_property
    def event(self) -> DataLoader[int, Event | None]:
        return visible_by_id(Event, self.viewer)

    @cached_property
    def fund_deposit(self) -> DataLoader[int, FundDeposit | None]:
        return visible_by_id(FundDeposit, self.viewer)

    @cached_property
    def certificate(self) -> DataLoader[int, Certificate | None]:
        return visible_by_id(Certificate, self.viewer)

    @cached_property
    def contract_buyers(self) -> DataLoader[int, list[ContractBuyer]]:
        return grouped(
            lambda ids: ContractBuyer.filter(contract_id__in=ids).order_by("position"), "contract_id", self.viewer
        )

    @cached_property
    def contract_lenders(self) -> DataLoader[int, list[ContractLender]]:
        return grouped(
            lambda ids: ContractLender.filter(contract_id__in=ids).order_by("position"), "contract_id", self.viewer
        )

    @cached_property
    def contract_signatures(self) -> DataLoader[int, list[Signature]]:
        return grouped(lambda ids: Signature.filter(contract_id__in=ids).order_by("id"), "contract_id", self.viewer)

    @cached_property
    def contract_deposits(self) -> DataLoader[int, list[FundDeposit]]:
        return grouped(lambda ids: FundDeposit.filter(contract_id__in=ids).order_by("id"), "contract_id", self.viewer)

    @cached_property
    def contract_tax_records(self) -> DataLoader[int, list[TaxRecord]]:
        return grouped(
            lambda ids: TaxRecord.filter(contract_id__in=ids).order_by("id"),
            "contract_id",
            self.viewer,
            visibility.tax_records,
        )

    @cached_property
    def contract_mortgages(self) -> DataLoader[int, list[Mortgage]]:
        return grouped(
            lambda ids: Mortgage.filter(contract_id__in=ids).order_by("id"),
            "contract_id",
            self.viewer,
            visibility.mortgages,
        )

    @cached_property
    def contract_advance_registrations(self) -> DataLoader[int, list[Registration]]:
        return grouped(
            lambda ids: Registration.filter(contract_id__in=ids, kind=RegistrationKind.ADVANCE_NOTICE).order_by("id"),
            "contract_id",
            self.viewer,
            visibility.registrations,
        )

    @cached_property
    def property_active_contract(self) -> DataLoader[int, list[Contract]]:
        return grouped(
            # The latest first: a resold home has its earlier sales filed too (DESIGN §7).
            lambda ids: Contract.filter(property_id__in=ids, status=ContractStatus.FILED).order_by("-id"),
            "property_id",
            self.viewer,
            visibility.contracts,
        )

    @cached_property
    def property_owner_rows(self) -> DataLoader[int, list[RegistrationParty]]:
        return grouped(
            lambda ids: (
                RegistrationParty.filter(
                    registration__property_id__in=ids,
                    registration__kind__in=OWNERSHIP_KINDS,
                    registration__right_status=RightStatus.IN_FORCE,
                    role=RegistrationPartyRole.RIGHT_HOLDER,
                )
                .order_by("registration_id", "position")
                .prefetch_related("registration")
            ),
            "registration.property_id",
            self.viewer,
        )

    @cached_property
    def deep_visible_property(self) -> DataLoader[int, bool]:
        return DataLoader(load_fn=self._deep_visible_properties)

    @cached_property
    def registration_parties(self) -> DataLoader[int, list[RegistrationParty]]:
        return grouped(
            lambda ids: RegistrationParty.filter(registration_id__in=ids).order_by("position", "id"),
            "registration_id",
            self.viewer,
        )

    @cached_property
    def fee_payments(self) -> DataLoader[int, list[FeePayment]]:
        """A registration's fee payments, oldest first (its fee fields read them; one query a page)."""
        return grouped(
            lambda ids: FeePayment.filter(registration_id__in=ids).order_by("id"), "registration_id", self.viewer
        )

    @cached_property
    def registration_checks(self) -> DataLoader[int, list[RuleCheck]]:
        return grouped(
            lambda ids: RuleCheck.filter(registration_id__in=ids).order_by("position"), "registration_id", self.viewer
        )

    @cached_property
    def registration_converted_to(self) -> DataLoader[int, list[Registration]]:
        return grouped(
            lambda ids: Registration.filter(converted_from_id__in=ids),
            "converted_from_id",
            self.viewer,
            visibility.registrations,
        )

    @cached_property
    def registration_certificate(self) -> DataLoader[int, list[Certificate]]:
        # Through the certificates' rule: another lender's mortgage certificate names its terms (DESIGN §7).
        return grouped(
            lambda ids: Certificate.filter(registration_id__in=ids),
            "registration_id",
            self.viewer,
            visibility.certificates,
        )

    @cached_property
    def mortgage_borrowers(self) -> DataLoader[int, list[MortgageBorrower]]:
        return grouped(
            lambda ids: MortgageBorrower.filter(mortgage_id__in=ids).order_by("position"), "mortgage_id", self.viewer
        )

    @cached_property
    def mortgage_signatures(self) -> DataLoader[int, list[Signature]]:
        return grouped(lambda ids: Signature.filter(mortgage_id__in=ids).order_by("id"), "mortgage_id", self.viewer)

    @cached_property
    def mortgage_registrations(self) -> DataLoader[int, list[Registration]]:
        return grouped(
            lambda ids: Registration.filter(mortgage_id__in=ids).order_by("id"),
            "mortgage_id",
            self.viewer,
            visibility.registrations,
        )

    @cached_property
    def mortgage_ranks(self) -> DataLoader[int, MortgageRanks]:
        """Per property, the priorities of its mortgage rights in force (one query for a page)."""
        return DataLoader(load_fn=self._mortgage_ranks)

    async def _mortgage_ranks(self, property_ids: list[int]) -> list[MortgageRanks]:
        # Every right in force counts for the order, whoever may see it; only ranks leave here.
        rows = await Registration.filter(
            property_id__in=list(set(property_ids)),
            kind__in=(RegistrationKind.ADVANCE_MORTGAGE, RegistrationKind.MORTGAGE),
            right_status=RightStatus.IN_FORCE,
        ).values_list("property_id", "id", "mortgage_id", "converted_from_id")
        # When each right's origin was registered: its completion's place in the log (commit order).
        registered: dict[int, int] = {}
        origins = {converted_from_id or registration_id for _, registration_id, _, converted_from_id in rows}
        if origins:
            for registration_id, seq in await Event.filter(
                registration_id__in=list(origins), type=EventType.REGISTRATION_COMPLETED
            ).values_list("registration_id", "seq"):
                registered[registration_id] = min(seq, registered.get(registration_id, seq))
        rights: dict[int, list[mortgage_rules.MortgageRight]] = defaultdict(list)
        for property_id, registration_id, mortgage_id, converted_from_id in rows:
            seq = registered.get(converted_from_id or registration_id)
            rights[property_id].append(
                mortgage_rules.MortgageRight(registration_id, mortgage_id, converted_from_id, seq)
            )
        return [MortgageRanks.of(rights.get(p, [])) for p in property_ids]

    @cached_property
    def unmasked_person(self) -> DataLoader[int, bool]:
        return DataLoader(load_fn=self._unmasked_persons)

    async def _unmasked_persons(self, party_ids: list[int]) -> list[bool]:
        if self.viewer is None:
            return [False] * len(party_ids)
        allowed = await visibility.unmasked_person_ids(self.viewer, list(set(party_ids)))
        return [p in allowed for p in party_ids]

    async def _deep_visible_properties(self, property_ids: list[int]) -> list[bool]:
        """Whether the viewer sees everything on each property (owners, history...)."""
        if self.viewer is None:
            return [False] * len(property_ids)
        if self.viewer.sees_everything:
            return [True] * len(property_ids)
        deep = visibility.deep_property_ids(self.viewer)
        visible: set[Any] = set()  # Tortoise types values_list(flat=True) as tuples
        if deep is not None:
            visible = set(
                await Property.filter(id__in=list(set(property_ids))).filter(id__in=deep).values_list("id", flat=True)
            )
        return [p in visible for p in property_ids]
