"""The served schema: per-area Query and Mutation types merged into one graph."""
from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from resolvers import inputs, payloads
from resolvers.extensions import DomainErrorCodes, FreshLoadersPerOperation
from resolvers.mutations.register_organization import RegisterOrganizationMutation
from resolvers.queries.contracts import ContractQuery
from resolvers.queries.events import EventQuery
from resolvers.queries.mortgages import MortgageQuery
from resolvers.queries.nodes import NODE_TYPES, NodeQuery
from resolvers.queries.parties import PartyQuery
from resolvers.queries.permits import PermitQuery
from resolvers.queries.registrations import RegistrationQuery
from resolvers.queries.tax import TaxQuery
from resolvers.scalars import SCALAR_OVERRIDES

Query = merge_types(
    "Query",
    (NodeQuery, PartyQuery, PermitQuery, ContractQuery, RegistrationQuery, TaxQuery, MortgageQuery, EventQuery),
)
Mutation = merge_types("Mutation", (RegisterOrganizationMutation,))


def _contract_types() -> list[type]:
    """Inputs and payloads of mutations later issues deliver are served already (contract types)."""
    named = [getattr(inputs, n) for n in dir(inputs) if n.endswith("Input")]
    named += [getattr(payloads, n) for n in dir(payloads) if n.endswith("Payload")]
    return named + [node_type for _, node_type in NODE_TYPES.values()]


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=_contract_types(),
    scalar_overrides=SCALAR_OVERRIDES,
    extensions=[
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
        FreshLoadersPerOperation,
        DomainErrorCodes,
    ],
)


def export_sdl() -> str:
    return schema.as_str() + "\n"
