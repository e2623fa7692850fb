"""What each viewer may see (DESIGN §1), as query filters the resolvers and loaders apply.

Departments see everything. A developer sees its permits and everything on their
properties. A lender sees the contracts that chose it and everything on their properties,
and the permits it supervises. A buyer sees what it is a party to. Public property facts
are for every signed-in viewer and need no filter.

`rule_for(model)` is the one check: loaders, payloads, `node`, subscriptions and replay all
ask it, so an object is visible in the same cases wherever it is returned. Without a viewer
(an anonymous certificate verifier) nothing but public content is visible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from domain.enums import Role
from domain.models import (
    Certificate,
    Contract,
    ContractBuyer,
    ContractLender,
    ContractSeller,
    Event,
    EventAudience,
    FundDeposit,
    FundRefund,
    Mortgage,
    MortgageBorrower,
    Permit,
    Property,
    Registration,
    RegistrationParty,
    TaxRecord,
)
from domain.viewer import Viewer

M = TypeVar("M", bound=Model)


def nothing(query: QuerySet[M]) -> QuerySet[M]:
    """The empty result (Tortoise has no `none()`): renders as WHERE 1=0."""
    return query.filter(pk__in=[])


def deep_property_ids(viewer: Viewer) -> Subquery | None:
    """Properties on which the viewer sees everything, or None when it sees none that way."""
    party = viewer.party_id
    if viewer.role == Role.DEVELOPER:
        return Subquery(Property.filter(permit__developer_id=party).values("id"))
    if viewer.is_lender:
        return Subquery(
            Property.filter(
                Q(contracts__lender_id=party)
                | Q(contracts__id__in=_lent_contract_ids(party))
                | Q(mortgages__lender_id=party)
            ).values("id")
        )
    return None


def _lent_contract_ids(party: int | None) -> Subquery:
    """Contracts that chose this lender, the first or (a combined loan) the second (issue 14)."""
    return Subquery(ContractLender.filter(party_id=party).values("contract_id"))


def _own_contract_ids(party: int) -> Subquery:
    return Subquery(ContractBuyer.filter(party_id=party).values("contract_id"))


def _sold_contract_ids(party: int) -> Subquery:
    """A resale's sellers are people too: they see the contracts they sell by (DESIGN §7)."""
    return Subquery(ContractSeller.filter(party_id=party).values("contract_id"))


def permits(viewer: Viewer, query: QuerySet[Permit]) -> QuerySet[Permit]:
    if viewer.sees_everything:
        return query
    party = viewer.party_id
    if party is None:
        return nothing(query)
    if viewer.role == Role.DEVELOPER:
        return query.filter(developer_id=party)
    if viewer.is_lender:
        deep = deep_property_ids(viewer)
        return query.filter(
            Q(supervising_bank_id=party) | Q(id__in=Subquery(Property.filter(id__in=deep).values("permit_id")))
        )
    if viewer.role == Role.BUYER:
        return query.filter(id__in=Subquery(Property.filter(contracts__buyers__party_id=party).values("permit_id")))
    return nothing(query)


def contracts(viewer: Viewer, query: QuerySet[Contract]) -> QuerySet[Contract]:
    if viewer.sees_everything:
        return query
    party = viewer.party_id
    if party is None:
        return nothing(query)
    if viewer.role == Role.DEVELOPER:
        return query.filter(Q(seller_id=party) | Q(property_id__in=deep_property_ids(viewer)))
    if viewer.is_lender:
        # The supervising bank sees sales into the account it supervises: it records their deposits.
        return query.filter(
            Q(lender_id=party)
            | Q(id__in=_lent_contract_ids(party))
            | Q(property_id__in=deep_property_ids(viewer))
            | Q(property__permit__supervising_bank_id=party)
            | Q(escrow_bank_id=party)
        )
    if viewer.role == Role.BUYER:
        return query.filter(Q(id__in=_own_contract_ids(party)) | Q(id__in=_sold_contract_ids(party)))
    return nothing(query)


def _on_visible_properties_or(viewer: Viewer, query: QuerySet[M], own: Q) -> QuerySet[M]:
    deep = deep_property_ids(viewer)
    return query.filter(own | Q(property_id__in=deep)) if deep is not None else query.filter(own)


def registrations(viewer: Viewer, query: QuerySet[Registration]) -> QuerySet[Registration]:
    if viewer.sees_everything:
        return query
    party = viewer.party_id
    if party is None:
        return nothing(query)
    own = Q(id__in=Subquery(RegistrationParty.filter(party_id=party).values("registration_id")))
    if viewer.role == Role.BUYER:
        own |= Q(contract_id__in=_own_contract_ids(party)) | Q(contract_id__in=_sold_contract_ids(party))
    return _on_visible_properties_or(viewer, query, own)


def tax_records(viewer: Viewer, query: QuerySet[TaxRecord]) -> QuerySet[TaxRecord]:
    if viewer.sees_everything:
        return query
    if viewer.party_id is None:
        return nothing(query)
    return _on_visible_properties_or(viewer, query, Q(taxpayer_id=viewer.party_id))


def mortgages(viewer: Viewer, query: QuerySet[Mortgage]) -> QuerySet[Mortgage]:
    if viewer.sees_everything:
        return query
    party = viewer.party_id
    if party is None:
        return nothing(query)
    own = Q(lender_id=party) | Q(id__in=Subquery(MortgageBorrower.filter(party_id=party).values("mortgage_id")))
    if viewer.is_lender:
        # DESIGN §7: a lender sees another lender's mortgage only as a right in force, never its terms.
        return query.filter(own)
    return _on_visible_properties_or(viewer, query, own)


def fund_deposits(viewer: Viewer, query: QuerySet[FundDeposit]) -> QuerySet[FundDeposit]:
    if viewer.sees_everything:
        return query
    return query.filter(contract_id__in=Subquery(contracts(viewer, Contract.all()).values("id")))


def fund_refunds(viewer: Viewer, query: QuerySet[FundRefund]) -> QuerySet[FundRefund]:
    """A refund is seen by whoever sees the contract it repays."""
    if viewer.sees_everything:
        return query
    return query.filter(contract_id__in=Subquery(contracts(viewer, Contract.all()).values("id")))


def certificates(viewer: Viewer, query: QuerySet[Certificate]) -> QuerySet[Certificate]:
    if viewer.sees_everything:
        return query
    visible = registrations(viewer, Registration.all())
    if viewer.is_lender:
        # Another lender's mortgage proof states its principal (DESIGN §7): the lender sees the
        # right in force on the register, not that certificate.
        visible = visible.filter(
            Q(mortgage_id__isnull=True) | Q(mortgage_id__in=Subquery(mortgages(viewer, Mortgage.all()).values("id")))
        )
    return query.filter(registration_id__in=Subquery(visible.values("id")))


def events(viewer: Viewer, query: QuerySet[Event]) -> QuerySet[Event]:
    if viewer.sees_everything:
        return query
    if viewer.party_id is None:
        return nothing(query)
    own = Q(seq__in=Subquery(EventAudience.filter(party_id=viewer.party_id).values("event_id")))
    visible = _on_visible_properties_or(viewer, query, own)
    if viewer.is_lender:
        # Events about another lender's mortgage carry its terms (DESIGN §7).
        visible = visible.filter(
            Q(mortgage_id__isnull=True) | Q(mortgage_id__in=Subquery(mortgages(viewer, Mortgage.all()).values("id")))
        )
    return visible


Rule = Callable[[Viewer, QuerySet[Any]], QuerySet[Any]]
# Models whose rows some signed-in viewers may not see. Party and Property rows are public
# (a person's ID number is masked separately, see `unmasked_person_ids`).
RULES: dict[type[Model], Rule] = {
    Permit: permits,
    Contract: contracts,
    FundDeposit: fund_deposits,
    FundRefund: fund_refunds,
    Registration: registrations,
    Certificate: certificates,
    TaxRecord: tax_records,
    Mortgage: mortgages,
    Event: events,
}


def rule_for(model: type[Model]) -> Rule | None:
    """The filter for `model`, or None when its rows are public to every signed-in viewer."""
    return RULES.get(model)


def filtered(viewer: Viewer | None, query: QuerySet[M]) -> QuerySet[M]:
    """`query` narrowed to what `viewer` may see; nothing at all without a viewer."""
    if viewer is None:
        return nothing(query)
    rule = rule_for(query.model)
    return rule(viewer, query) if rule is not None else query


# Rows that are visible exactly when the row they belong to is (their rule above is that row's):
# model -> (its column holding the other row's pk, the other row's model).
BELONGS_TO: dict[type[Model], tuple[str, type[Model]]] = {
    FundDeposit: ("contract_id", Contract),
    FundRefund: ("contract_id", Contract),
}


@dataclass(frozen=True)
class Vouched:
    """Facts about a row that the use case returning it read in its own transaction, each one a
    subquery of the row's rule answered already: the payload's check reads them instead of
    asking the database again (`vouch`). Absent facts decide nothing.

    - `persons`: a Contract's buyers and sellers (`_own_contract_ids`, `_sold_contract_ids`);
      a Registration's parties (its `RegistrationParty` rows);
    - `developer_id`: the developer holding the permit over the row's property
      (`deep_property_ids` of a developer);
    - `supervising_bank_id`: the bank supervising that permit (a Contract's
      `property__permit__supervising_bank_id`)."""

    persons: frozenset[int] = frozenset()
    developer_id: int | None = None
    supervising_bank_id: int | None = None


_VOUCHED = "_onewindow_vouched"


def vouch(row: M, facts: Vouched) -> M:
    """Pin what the use case read about `row` on it, for `seen_by_its_columns`."""
    setattr(row, _VOUCHED, facts)
    return row


def _vouched(row: Model) -> Vouched | None:
    facts = getattr(row, _VOUCHED, None)
    return facts if isinstance(facts, Vouched) else None


def _seen_by_vouched_facts(viewer: Viewer, party: int, row: Model) -> bool:
    facts = _vouched(row)
    if facts is None:
        return False
    if isinstance(row, Contract):
        return (
            (viewer.role == Role.BUYER and party in facts.persons)
            or (viewer.role == Role.DEVELOPER and facts.developer_id == party)
            or (viewer.is_lender and facts.supervising_bank_id == party)
        )
    if isinstance(row, Registration):
        return party in facts.persons or (viewer.role == Role.DEVELOPER and facts.developer_id == party)
    return False


def seen_by_its_columns(viewer: Viewer | None, row: Model) -> bool:
    """True when the row's own columns already show that the rule above lets the viewer see
    it (a public model, a department, or the rule's first condition: the seller's contract, the
    lender's contract or mortgage, the developer's or supervising bank's permit, the taxpayer's
    record) or its vouched facts do (`Vouched`), with no query; False means only the database
    can tell (`visible_pks`).

    Payloads show the object a mutation just wrote mostly to the viewer who wrote it, so this
    spares most of them the query (bench/README.md, sale_pipeline: issue 11's payload rule
    cost ten queries a sale). Each condition here is one disjunct of that model's rule, so it
    never shows more than the rule (tests/unit/test_visibility_columns.py checks each)."""
    if viewer is None:
        return False
    model = type(row)
    if rule_for(model) is None or viewer.sees_everything:
        return True
    party = viewer.party_id
    if party is None:
        return False
    if _seen_by_vouched_facts(viewer, party, row):
        return True
    if isinstance(row, Contract):
        return (viewer.role == Role.DEVELOPER and row.seller_id == party) or (
            viewer.is_lender and row.lender_id == party
        )
    if isinstance(row, Mortgage):
        return bool(row.lender_id == party)
    if isinstance(row, TaxRecord):
        return bool(row.taxpayer_id == party)
    if isinstance(row, Permit):
        return (viewer.role == Role.DEVELOPER and row.developer_id == party) or (
            viewer.is_lender and row.supervising_bank_id == party
        )
    return False


async def visible_rows(viewer: Viewer | None, rows: Iterable[Model]) -> list[Model]:
    """Those of `rows` (one model) the viewer may see, in order: `seen_by_its_columns` first,
    one query (`visible_pks`) for the rest."""
    rows = list(rows)
    unknown = [r for r in rows if not seen_by_its_columns(viewer, r)]
    if not unknown:
        return rows
    visible = await visible_pks(viewer, type(unknown[0]), [r.pk for r in unknown])
    known = {id(r) for r in rows} - {id(r) for r in unknown if r.pk not in visible}
    return [r for r in rows if id(r) in known]


async def visible_pks(viewer: Viewer | None, model: type[Model], pks: Iterable[int]) -> set[int]:
    """Of these primary keys, those the viewer may see (one query; none for public models)."""
    wanted = list(set(pks))
    if viewer is None or not wanted:
        return set()
    if rule_for(model) is None or viewer.sees_everything:
        return set(wanted)
    pk = model._meta.pk_attr
    # values_list(flat=True) gives the values themselves; Tortoise's annotation says tuples.
    seen: list[Any] = await filtered(viewer, model.filter(**{f"{pk}__in": wanted})).values_list(pk, flat=True)
    return set(seen)


def homes_owned_allowed(viewer: Viewer, id_number: str, buyer_ids_of_lender: set[str] | None = None) -> bool:
    """Departments ask about anyone, a buyer about itself, a lender about its contracts' buyers."""
    if viewer.sees_everything or id_number == viewer.party_id_number:
        return True
    return bool(viewer.is_lender and buyer_ids_of_lender and id_number in buyer_ids_of_lender)


async def unmasked_person_ids(viewer: Viewer, party_ids: list[int]) -> set[int]:
    """Of these persons, those whose ID number the viewer may read in full."""
    if viewer.sees_everything:
        return set(party_ids)
    visible = {p for p in party_ids if p == viewer.party_id}
    rest = [p for p in party_ids if p not in visible]
    if rest and viewer.party_id is not None:
        visible_contracts = contracts(viewer, Contract.all()).values("id")
        buyers: list[Any] = (
            await ContractBuyer.filter(party_id__in=rest, contract_id__in=Subquery(visible_contracts))
            .distinct()
            .values_list("party_id", flat=True)
        )
        visible.update(buyers)
        # A resale's sellers are people too: the parties to the contract read each other's numbers.
        sellers: list[Any] = (
            await ContractSeller.filter(party_id__in=rest, contract_id__in=Subquery(visible_contracts))
            .distinct()
            .values_list("party_id", flat=True)
        )
        visible.update(sellers)
    return visible
