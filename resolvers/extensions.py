"""The schema's one extension: cached parsing and validation, per-operation loaders, and error
codes for errors raised by queries.

Strawberry enters every extension's hooks in every phase of every request, so one extension
costs a quarter of what four did; and parsing and validation are cached by the query's text,
where strawberry's ParserCache and ValidationCache key the validation on the parsed document,
whose hash walks the whole syntax tree on every request.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from domain.errors import DomainError

# Distinct query texts remembered (front ends send a fixed set of operations).
CACHED_QUERIES = 256


@lru_cache(maxsize=CACHED_QUERIES)
def _parsed(query: str) -> DocumentNode:
    return parse(query)


@lru_cache(maxsize=CACHED_QUERIES)
def _validation_errors(schema: GraphQLSchema, query: str, rules: tuple) -> list[GraphQLError]:
    return validate_document(schema, _parsed(query), rules)


class OperationExtension(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None:
            context.graphql_document = _parsed(context.query)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = _validation_errors(context.schema._schema, context.query,
                                                          tuple(context.validation_rules))
        yield

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "fresh_loaders"):
            context.fresh_loaders()
        yield
        _add_domain_error_codes(self.execution_context.result)


def _add_domain_error_codes(result) -> None:
    """A DomainError raised by a query (bad cursor, bad ID number) carries its code and field."""
    if result is None or not result.errors:
        return
    for error in result.errors:
        if isinstance(error, GraphQLError) and isinstance(error.original_error, DomainError):
            domain_error = error.original_error
            error.extensions = {**(error.extensions or {}), "code": domain_error.code.value, "field": domain_error.field}
