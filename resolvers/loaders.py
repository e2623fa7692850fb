"""One DataLoader per relation, created per operation, with the viewer's visibility applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from domain import visibility
from domain.enums import ContractStatus, RegistrationKind, RegistrationPartyRole, RightStatus
from domain.models import (
    Certificate,
    Contract,
    ContractBuyer,
    Event,
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
from domain.viewer import Viewer
from resolvers.access_log import AccessLog

Filter = Callable[[Viewer, QuerySet], QuerySet]
OWNERSHIP_KINDS = (RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER)


def _everything(_viewer: Viewer, query: QuerySet) -> QuerySet:
    return query


def attribute_path(row: Any, path: str) -> Any:
    for part in path.split("."):
        row = getattr(row, part)
    return row


def by_id(model: type[Model], viewer: Viewer | None, allowed: Filter = _everything) -> DataLoader:
    """Rows by primary key; None for rows that do not exist or the viewer may not see."""

    async def load(ids: list[int]) -> list[Any]:
        if viewer is None:
            return [None] * len(ids)
        rows = {row.pk: row for row in await allowed(viewer, model.filter(pk__in=list(set(ids))))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def visible_by_id(model: type[Model], viewer: Viewer | None) -> DataLoader:
    """Rows by primary key through the one visibility rule of `model`."""
    return by_id(model, viewer, lambda vw, q: visibility.filtered(vw, q))


def grouped(
    query: Callable[[list[Any]], QuerySet], key: str, viewer: Viewer | None, allowed: Filter = _everything
) -> DataLoader:
    """Lists of rows per parent key, in the query's order."""

    async def load(keys: list[Any]) -> list[list[Any]]:
        if viewer is None:
            return [[] for _ in keys]
        groups: dict[Any, list[Any]] = defaultdict(list)
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
    def party(self) -> DataLoader:
        # Rows by id. Parties and public property facts are for every signed-in viewer.
        return by_id(Party, self.viewer)

    @cached_property
    def party_by_id_number(self) -> DataLoader:
        """Parties by ID number (None for numbers no party has), for ID numbers inside event payloads."""

        async def load(numbers: list[str]) -> list[Any]:
            rows = {row.id_number: row for row in await Party.filter(id_number__in=list(set(numbers)))}
            return [rows.get(n) for n in numbers]

        return DataLoader(load_fn=load)

    @cached_property
    def property(self) -> DataLoader:
        return by_id(Property, self.viewer)

    @cached_property
    def permit(self) -> DataLoader:
        return visible_by_id(Permit, self.viewer)

    @cached_property
    def permit_facts(self) -> DataLoader:
        # For rules that read a permit's terms on a record the viewer may see; never returned.
        return by_id(Permit, self.viewer)

    @cached_property
    def contract(self) -> DataLoader:
        return visible_by_id(Contract, self.viewer)

    @cached_property
    def registration(self) -> DataLoader:
        return visible_by_id(Registration, self.viewer)

    @cached_property
    def tax_record(self) -> DataLoader:
        return visible_by_id(TaxRecord, self.viewer)

    @cached_property
    def mortgage(self) -> DataLoader:
        return visible_by_id(Mortgage, self.viewer)

    @cached_property
    def event(self) -> DataLoader:
        return visible_by_id(Event, self.viewer)

    @cached_property
    def fund_deposit(self) -> DataLoader:
        return visible_by_id(FundDeposit, self.viewer)

    @cached_property
    def certificate(self) -> DataLoader:
        return visible_by_id(Certificate, self.viewer)

    @cached_property
    def contract_buyers(self) -> DataLoader:
        return grouped(
            lambda ids: ContractBuyer.filter(contract_id__in=ids).order_by("position"), "contract_id", self.viewer
        )

    @cached_property
    def contract_signatures(self) -> DataLoader:
        return grouped(lambda ids: Signature.filter(contract_id__in=ids).order_by("id"), "contract_id", self.viewer)

    @cached_property
    def contract_deposits(self) -> DataLoader:
        return grouped(lambda ids: FundDeposit.filter(contract_id__in=ids).order_by("id"), "contract_id", self.viewer)

    @cached_property
    def contract_tax_records(self) -> DataLoader:
        return grouped(
            lambda ids: TaxRecord.filter(contract_id__in=ids).order_by("id"),
            "contract_id",
            self.viewer,
            visibility.tax_records,
        )

    @cached_property
    def contract_mortgages(self) -> DataLoader:
        return grouped(
            lambda ids: Mortgage.filter(contract_id__in=ids).order_by("id"),
            "contract_id",
            self.viewer,
            visibility.mortgages,
        )

    @cached_property
    def contract_advance_registrations(self) -> DataLoader:
        return grouped(
            lambda ids: Registration.filter(contract_id__in=ids, kind=RegistrationKind.ADVANCE_NOTICE).order_by("id"),
            "contract_id",
            self.viewer,
            visibility.registrations,
        )

    @cached_property
    def property_active_contract(self) -> DataLoader:
        return grouped(
            # The latest first: a resold home has its earlier sales filed too (DESIGN §7).
            lambda ids: Contract.filter(property_id__in=ids, status=ContractStatus.FILED).order_by("-id"),
            "property_id",
            self.viewer,
            visibility.contracts,
        )

    @cached_property
    def property_owner_rows(self) -> DataLoader:
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
    def deep_visible_property(self) -> DataLoader:
        return DataLoader(load_fn=self._deep_visible_properties)

    @cached_property
    def registration_parties(self) -> DataLoader:
        return grouped(
            lambda ids: RegistrationParty.filter(registration_id__in=ids).order_by("position", "id"),
            "registration_id",
            self.viewer,
        )

    @cached_property
    def registration_checks(self) -> DataLoader:
        return grouped(
            lambda ids: RuleCheck.filter(registration_id__in=ids).order_by("position"), "registration_id", self.viewer
        )

    @cached_property
    def registration_converted_to(self) -> DataLoader:
        return grouped(
            lambda ids: Registration.filter(converted_from_id__in=ids),
            "converted_from_id",
            self.viewer,
            visibility.registrations,
        )

    @cached_property
    def registration_certificate(self) -> DataLoader:
        return grouped(lambda ids: Certificate.filter(registration_id__in=ids), "registration_id", self.viewer)

    @cached_property
    def mortgage_borrowers(self) -> DataLoader:
        return grouped(
            lambda ids: MortgageBorrower.filter(mortgage_id__in=ids).order_by("position"), "mortgage_id", self.viewer
        )

    @cached_property
    def mortgage_signatures(self) -> DataLoader:
        return grouped(lambda ids: Signature.filter(mortgage_id__in=ids).order_by("id"), "mortgage_id", self.viewer)

    @cached_property
    def mortgage_registrations(self) -> DataLoader:
        return grouped(
            lambda ids: Registration.filter(mortgage_id__in=ids).order_by("id"),
            "mortgage_id",
            self.viewer,
            visibility.registrations,
        )

    @cached_property
    def unmasked_person(self) -> DataLoader:
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
        visible: set[int] = set()
        if deep is not None:
            visible = set(
                await Property.filter(id__in=list(set(property_ids))).filter(id__in=deep).values_list("id", flat=True)
            )
        return [p in visible for p in property_ids]
