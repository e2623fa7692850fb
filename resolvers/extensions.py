"""The schema's one extension: cached parsing and validation with the query limits
(resolvers/limits.py), sign-in checked before a big validation, and per-operation loaders.

Strawberry enters every extension's hooks in every phase of every request, so one extension
costs a quarter of what four did; and parsing and validation are cached by the query's text,
where strawberry's ParserCache and ValidationCache key the validation on the parsed document,
whose hash walks the whole syntax tree on every request. The limits are part of what is
cached, so a cached document is refused as a new one is, at the price of a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, TypeInfo, ValidationContext, parse, validate
from strawberry.extensions import SchemaExtension

from resolvers.errors import VALIDATION_FAILED, not_signed_in
from resolvers.limits import QueryLimits, more_aliases_than, more_tokens_than, too_complex, top_level_fields

# Distinct query texts remembered (front ends send a fixed set of operations).
CACHED_QUERIES = 256
# Longer texts are not kept: 256 of them at the body limit would hold hundreds of megabytes.
CACHEABLE_QUERY_CHARS = 16_384
DEFAULT_LIMITS = QueryLimits()


def _parse(query: str, max_tokens: int, max_aliases: int) -> DocumentNode:
    if max_tokens and more_tokens_than(query, max_tokens):
        # graphql-core's lexer would stop there too, after tens of milliseconds of Python.
        raise too_complex(GraphQLError(f"the document has more than {max_tokens} tokens"), "tokens", max_tokens)
    if max_aliases and more_aliases_than(query, max_aliases):
        # The alias limit would refuse it after the parse, which costs more than the request.
        raise too_complex(GraphQLError(f"the document has more than {max_aliases} aliases"), "aliases", max_aliases)
    # Empty selection sets are refused as the GraphQL spec has them: strawberry's depth
    # walker cannot measure past one.
    return parse(query, max_tokens=max_tokens or None, allow_empty_selection_sets=False)


_cached_parse = lru_cache(maxsize=CACHED_QUERIES)(_parse)


def parsed(query: str, max_tokens: int, max_aliases: int = DEFAULT_LIMITS.max_aliases) -> DocumentNode:
    # Positional, so that the request log's call (api/logs.py) hits the same cache entry.
    return (_cached_parse if len(query) <= CACHEABLE_QUERY_CHARS else _parse)(query, max_tokens, max_aliases)


def validate_with_limits(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple, limits: QueryLimits
) -> tuple[GraphQLError, ...]:
    """The limits first, each on its own and cheapest first; the specified rules only for a
    document within them."""
    errors: list[GraphQLError] = []
    # The limit rules do their work when constructed (strawberry's validators and ours
    # alike): no visit of the document is needed.
    context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
    limits.cost_rule(context)
    if errors:
        return tuple(errors)
    for name, maximum, rule in limits.shape_rules:
        found: list[GraphQLError] = []
        try:
            rule(ValidationContext(schema, document, TypeInfo(schema), found.append))
        except (KeyError, TypeError, ValueError):
            # Strawberry's walkers assume a valid document (a spread of an unknown fragment
            # raises): graphql-core's rules below refuse it, and nothing invalid executes.
            continue
        errors += [too_complex(error, name, maximum) for error in found]
    if errors:
        return tuple(errors)
    found = validate(schema, document, rules + limits.extra_rules, hide_suggestions=not limits.suggestions)
    for error in found:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": VALIDATION_FAILED}
    return tuple(found)


def _validate(schema: GraphQLSchema, query: str, rules: tuple, limits: QueryLimits) -> tuple[GraphQLError, ...]:
    return validate_with_limits(schema, parsed(query, limits.max_tokens, limits.max_aliases), rules, limits)


_cached_validate = lru_cache(maxsize=CACHED_QUERIES)(_validate)


def validation_errors(
    schema: GraphQLSchema, query: str | None, document: DocumentNode, rules: tuple, limits: QueryLimits
) -> list[GraphQLError]:
    if query is None:  # a document given already parsed
        return list(validate_with_limits(schema, document, rules, limits))
    cache = _cached_validate if len(query) <= CACHEABLE_QUERY_CHARS else _validate
    return list(cache(schema, query, rules, limits))


def limits_of(context) -> QueryLimits:
    services = getattr(context, "services", None)
    return getattr(services, "limits", None) or DEFAULT_LIMITS


class OperationExtension(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        limits = limits_of(context.context)
        if context.graphql_document is None:
            # A syntax error or a refusal propagates: strawberry answers it as a pre-execution
            # error (through process_errors, so it is coded), without parsing again.
            context.graphql_document = parsed(context.query, limits.max_tokens, limits.max_aliases)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        request = context.context
        limits = limits_of(request)
        if getattr(request, "viewer", True) is None and not limits.anonymous_may_ask(
            top_level_fields(context.graphql_document, context.operation_name)
        ):
            # Sign-in first: an anonymous request pays no validation for what it may not ask.
            context.pre_execution_errors = [not_signed_in(request)]
        else:
            context.pre_execution_errors = validation_errors(
                context.schema._schema, context.query, context.graphql_document, tuple(context.validation_rules), limits
            )
        yield

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "fresh_loaders"):
            context.fresh_loaders()
        yield
