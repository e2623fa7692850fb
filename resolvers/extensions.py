"""Schema extensions: per-operation loaders and error codes for errors raised by queries."""
from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from domain.errors import DomainError


class FreshLoadersPerOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "fresh_loaders"):
            context.fresh_loaders()
        yield


class DomainErrorCodes(SchemaExtension):
    """A DomainError raised by a query (bad cursor, bad ID number) carries its code and field."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            if isinstance(error, GraphQLError) and isinstance(error.original_error, DomainError):
                domain_error = error.original_error
                error.extensions = {
                    **(error.extensions or {}),
                    "code": domain_error.code.value,
                    "field": domain_error.field,
                }
