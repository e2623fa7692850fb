"""resolvers/types/registry.py: the types a module below builds are registered for their models."""

from __future__ import annotations

import pytest

import resolvers.schema  # noqa: F401  (imports every type, as serving does)
from domain import models as m
from resolvers.types import registry
from resolvers.types.contracts import Contract
from resolvers.types.events import Event
from resolvers.types.mortgages import Mortgage
from resolvers.types.registrations import Registration
from resolvers.types.tax import TaxRecord


@pytest.mark.parametrize(
    ("model", "graphql_type"),
    [
        (m.Contract, Contract),
        (m.Registration, Registration),
        (m.Mortgage, Mortgage),
        (m.TaxRecord, TaxRecord),
        (m.Event, Event),
    ],
)
def test_each_type_built_from_a_module_below_is_registered_for_its_model(model, graphql_type):
    assert registry._FROM_ROW[model] == graphql_type.from_row


def test_a_row_of_a_model_without_a_type_is_refused_by_name():
    class Unregistered:
        pass

    with pytest.raises(LookupError, match="Unregistered"):
        registry.object_of(Unregistered())


def test_a_model_gets_one_type_only():
    with pytest.raises(ValueError, match="Contract already has a GraphQL type"):
        registry.from_row_of(m.Contract)(Contract)
