"""Every text field of every input has its column's length (issue 11, item 6)."""

from __future__ import annotations

import strawberry
from strawberry.types.base import StrawberryObjectDefinition, StrawberryOptional

from resolvers import inputs


def _input_types() -> list[type]:
    return [
        t
        for t in vars(inputs).values()
        if isinstance(t, type)
        and isinstance(getattr(t, "__strawberry_definition__", None), StrawberryObjectDefinition)
        and t.__strawberry_definition__.is_input
    ]


def _is_text(field_type) -> bool:
    if isinstance(field_type, StrawberryOptional):
        field_type = field_type.of_type
    return field_type in (str, strawberry.ID)


def test_every_string_input_field_has_a_length_limit():
    types = _input_types()
    assert len(types) > 20
    missing = [
        f"{t.__name__}.{f.python_name}"
        for t in types
        for f in t.__strawberry_definition__.fields
        if _is_text(f.type) and f.python_name not in inputs.MAX_LENGTHS.get(t, {})
    ]
    assert missing == []


def test_limits_follow_the_columns():
    assert inputs.MAX_LENGTHS[inputs.RegisterOrganizationInput]["name"] == 200
    assert inputs.MAX_LENGTHS[inputs.PropertyInput]["unit_code"] == 28
