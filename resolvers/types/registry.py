"""Row → GraphQL object for a type defined in a module above the one that returns it.

The GraphQL graph is cyclic (a Property lists its contracts, a Contract names its property); the
modules are not (tests/test_layers.py). They stack up as

    node, access < parties < permits < contracts < tax, registrations < mortgages < events < metrics

and a module imports only the modules below it. A field returning a type from a module above
names it with `strawberry.lazy` in its annotation (imported under `if TYPE_CHECKING:`) and
builds it with `object_of(row)`: each type registers its `from_row` here for its model when its
module is imported, and resolvers/schema.py imports every type before a query runs (the
registry of graphene-django does the same job).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from tortoise.models import Model


class _FromRow(Protocol):
    @classmethod
    def from_row(cls, row: Any) -> Any: ...


T = TypeVar("T", bound=_FromRow)

_FROM_ROW: dict[type[Model], Callable[[Any], Any]] = {}


def from_row_of(model: type[Model]) -> Callable[[type[T]], type[T]]:
    """Class decorator: `cls.from_row` builds the GraphQL object of a `model` row."""

    def register(cls: type[T]) -> type[T]:
        if model in _FROM_ROW:
            raise ValueError(f"{model.__name__} already has a GraphQL type")
        _FROM_ROW[model] = cls.from_row
        return cls

    return register


def object_of(row: Model) -> Any:
    """The GraphQL object of `row`, by the type registered for its model."""
    try:
        convert = _FROM_ROW[type(row)]
    except KeyError:
        raise LookupError(f"no GraphQL type is registered for {type(row).__name__} rows") from None
    return convert(row)
