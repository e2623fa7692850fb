"""Limits on what one GraphQL document may ask, checked before it executes (DESIGN §8).

Tokens are counted by graphql-core's parser (the `max_tokens` strawberry's MaxTokensLimiter
sets); depth and aliases by the validators of strawberry's QueryDepthLimiter and
MaxAliasesLimiter; the cost rule is ours. Before the parser runs, tokens and aliases are
also counted from the text by C-level scans, which refuse only what those would. The cost
rule runs first and alone: it walks each fragment once (memoised), so a document whose
fragments multiply each other is refused in time linear in its size, before strawberry's
walkers, which expand every fragment spread, and graphql-core's own rules
(OverlappingFieldsCanBeMerged is quadratic) see it. A document
within the cost limit expands to at most `max_cost` fields, which bounds those walks.

Results are cached with the document's validation (resolvers/extensions.py), so a front
end's fixed operations pay for the limits once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, islice

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    is_interface_type,
    is_object_type,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import max_aliases, query_depth_limiter

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

TOO_COMPLEX = "QUERY_TOO_COMPLEX"

# Each a setting (api/settings.py); at least as strict as graphql-armor's defaults.
DEFAULT_MAX_DEPTH = 10
DEFAULT_MAX_ALIASES = 15
DEFAULT_MAX_TOKENS = 2000
# graphql-armor's default number, counted more strictly (page sizes multiply). The costliest
# query in the tests, README and benchmarks costs 701 (a page of 100 properties with their
# facts, bench/sale_pipeline.py); GraphiQL's introspection query costs 18.
DEFAULT_MAX_COST = 5000


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int = DEFAULT_MAX_DEPTH
    max_aliases: int = DEFAULT_MAX_ALIASES
    max_tokens: int = DEFAULT_MAX_TOKENS
    max_cost: int = DEFAULT_MAX_COST
    introspection: bool = True
    suggestions: bool = True
    # Fields a request without a token may ask at the top (DESIGN §1).
    anonymous_fields: frozenset[str] = field(default=frozenset({"verifyCertificate", "__typename"}))

    @cached_property
    def cost_rule(self) -> type[ValidationRule]:
        return cost_validator(self.max_cost)

    @cached_property
    def shape_rules(self) -> tuple[tuple[str, int, type[ValidationRule]], ...]:
        """Depth and aliases, strawberry's own validators, each with the name and maximum its
        refusal reports: run once the cost is known to be bounded."""
        rules = []
        if self.max_depth:
            rules.append(("depth", self.max_depth, query_depth_limiter.create_validator(self.max_depth, None, None)))
        if self.max_aliases:
            rules.append(("aliases", self.max_aliases, max_aliases.create_validator(self.max_aliases)))
        return tuple(rules)

    @cached_property
    def extra_rules(self) -> tuple[type[ValidationRule], ...]:
        """Run with graphql-core's own rules."""
        return () if self.introspection else (NoSchemaIntrospectionCustomRule,)

    def anonymous_may_ask(self, top_fields: set[str]) -> bool:
        allowed = self.anonymous_fields | ({"__schema", "__type"} if self.introspection else frozenset())
        return top_fields <= allowed


# One GraphQL lexical token per match, as graphql-core's `max_tokens` counts them: what the
# lexer ignores before it (whitespace, commas, comments) is part of the match, a string is one
# token. Matched and counted by C code (finditer, islice), none of it a Python loop.
_TOKEN = re.compile(
    r"(?:[\s,\ufeff]|#[^\n\r]*)*"
    r'(?:"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|\.\.\.|[_A-Za-z][_0-9A-Za-z]*'
    r"|-?[0-9][0-9.eE+-]*|[!$&():=@\[\]{|}])"
)


def more_tokens_than(text: str, limit: int) -> bool:
    """Stops counting at the limit: the work is bounded by it, not by the document's size."""
    if len(text) <= limit:  # every token takes a character at least
        return False
    return next(islice(_TOKEN.finditer(text), limit, None), None) is not None


_IGNORED = r"[ \t\n\r,\ufeff]"
_NAME = r"[_A-Za-z][_0-9A-Za-z]*+"
# Possessive and atomic throughout: the text is the client's, the scan must stay linear. An
# unterminated string ends at its line's end (a block string at the text's): such a document
# fails to parse whatever is counted here.
_STRING = r'"""(?:[^"\\]++|\\"""|\\|"(?!""))*+(?:"""|\Z)|"(?:[^"\\\n\r]++|\\[^\n\r]?)*+(?:"|(?=[\n\r])|\Z)'
_COMMENT = r"#[^\n\r]*+"
_IN_PARENTHESES = rf'(?:[^()"#]++|{_STRING}|{_COMMENT})'
# What cannot hold an alias: strings, comments, and what is in parentheses (arguments,
# variable definitions; they nest twice at most, a directive's arguments on a variable).
_NOT_SELECTIONS = re.compile(rf"{_STRING}|{_COMMENT}|\((?:{_IN_PARENTHESES}|\({_IN_PARENTHESES}*+\))*+\)")
_BRACE = re.compile(r"([{}])")
_STEP = {"{": 1, "}": -1}
# What stands before an operation's selection set once parentheses are gone; a fragment's
# or a type definition's head does not match, so their bodies are not counted.
_OPERATION_HEAD = re.compile(
    rf"{_IGNORED}*+(?:(?:query|mutation|subscription)(?:{_IGNORED}++{_NAME})?(?:{_IGNORED}*+@{_IGNORED}*+{_NAME})*+{_IGNORED}*+)?"
)


def more_aliases_than(text: str, limit: int) -> bool:
    """True only if the document, should it parse, has more than `limit` aliases as
    strawberry's MaxAliasesLimiter counts them, so it can be refused before the parser runs
    (graphql-core's, in Python, cost more than the whole cached request).

    Counted are the aliases written in the operations' own selection sets; the limiter also
    counts those of every fragment spread, so this is never more than its count (a false
    answer is no answer: the limiter decides after parsing). The scan is C-level (re, split,
    accumulate); Python loops only over the top-level definitions. An unbalanced document
    is left to the parser to report."""
    if text.count(":") <= limit:  # every alias has its colon: most documents stop here
        return False
    parts = _BRACE.split(_NOT_SELECTIONS.sub(" ", text))
    pieces, braces = parts[0::2], parts[1::2]  # pieces[k] is the text before brace k
    depths = list(accumulate(map(_STEP.__getitem__, braces)))
    if not depths or min(depths) < 0 or depths[-1] != 0:
        return False
    count = k = 0
    while k < len(braces):  # brace k opens a top-level definition's body (depth 0 before it)
        end = depths.index(0, k)
        if _OPERATION_HEAD.fullmatch(pieces[k]):
            # Outside those, a colon in a selection set is an alias's, and each alias has one.
            count += "".join(pieces[k + 1 : end + 1]).count(":")
            if count > limit:
                return True
        k = end + 1
    return False


def top_level_fields(document, operation_name: str | None) -> set[str]:
    """Names of the fields the chosen operation selects at its root (through fragments)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    names: set[str] = set()
    seen: set[str] = set()

    def collect(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    collect(fragment.selection_set)

    for operation in operations:
        collect(operation.selection_set)
    return names


def _is_connection(type_) -> bool:
    named = get_named_type(type_)
    return is_object_type(named) and "edges" in named.fields and "pageInfo" in named.fields


def _page_size(node: FieldNode, variables: dict[str, int | None]) -> int:
    """What a connection may return: its `first` (capped), the default page when absent,
    the largest page when it comes from a variable without a default."""
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return MAX_PAGE_SIZE if given is None else min(given, MAX_PAGE_SIZE)
        if isinstance(value, IntValueNode):
            return max(0, min(int(value.value), MAX_PAGE_SIZE))
        return DEFAULT_PAGE_SIZE
    return DEFAULT_PAGE_SIZE


def _list_length(node: FieldNode) -> int:
    """`nodes(ids: [...])` returns one object per id."""
    for argument in node.arguments or ():
        if argument.name.value == "ids":
            return len(argument.value.values) if isinstance(argument.value, ListValueNode) else MAX_PAGE_SIZE
    return 1


def document_cost(schema: GraphQLSchema, document, stop_above: int | None = None) -> int:
    """A field costs 1 plus what it selects; a connection multiplies what it selects by its
    page size. Fragments are costed once per type they are spread on."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    memo: dict[tuple[str, str], int] = {}
    in_progress: set[str] = set()
    variables: dict[str, int | None] = {}

    def selection_cost(selection_set: SelectionSetNode | None, parent) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                total += selection_cost(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_cost(selection.name.value)
            if stop_above is not None and total > stop_above:
                return total
        return total

    def fragment_cost(name: str) -> int:
        fragment = fragments.get(name)
        if fragment is None or name in in_progress:  # unknown or cyclic: validation reports it
            return 0
        key = (name, fragment.type_condition.name.value)
        if key not in memo:
            in_progress.add(name)
            memo[key] = selection_cost(fragment.selection_set, schema.get_type(key[1]))
            in_progress.discard(name)
        return memo[key]

    def field_cost(node: FieldNode, parent) -> int:
        if node.name.value.startswith("__"):
            return 1 + _introspection_cost(node)
        fields = getattr(parent, "fields", None)
        definition = fields.get(node.name.value) if (is_object_type(parent) or is_interface_type(parent)) else None
        if definition is None:  # not in the schema: validation reports it
            return 1
        child = get_named_type(definition.type)
        inner = selection_cost(node.selection_set, child)
        if _is_connection(definition.type):
            return 1 + _page_size(node, variables) * inner
        return 1 + _list_length(node) * inner

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            variables.clear()
            for variable in definition.variable_definitions or ():
                default = variable.default_value
                variables[variable.variable.name.value] = (
                    int(default.value) if isinstance(default, IntValueNode) else None
                )
            root = schema.get_root_type(definition.operation)
            total += selection_cost(definition.selection_set, root)
            if stop_above is not None and total > stop_above:
                break
    return total


def _introspection_cost(node: FieldNode) -> int:
    """Introspection reads the schema in memory: it counts one per field, however nested,
    so GraphiQL's own query passes and a deep one is still bounded by the token limit."""
    if node.selection_set is None:
        return 0
    return sum(1 + (_introspection_cost(s) if isinstance(s, FieldNode) else 0) for s in node.selection_set.selections)


def most_repeated(document) -> int:
    """The most times one response name occurs in one selection set, fragments included.

    graphql-core's OverlappingFieldsCanBeMergedRule compares every pair of fields with the same
    response name: 990 × `role` in one selection (5 KB, well within the token and cost limits)
    took it a quarter of a second. Counted here in one pass, each fragment once."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    memo: dict[str, Counter] = {}
    in_progress: set[str] = set()

    def names(selection_set: SelectionSetNode) -> Counter:
        found: Counter = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                found.update(names(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in in_progress:
                    if name not in memo:
                        in_progress.add(name)
                        memo[name] = names(fragments[name].selection_set)
                        in_progress.discard(name)
                    found.update(memo[name])
        return found

    worst = 0
    stack = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, (OperationDefinitionNode, FragmentDefinitionNode))
    ]
    while stack:
        selection_set = stack.pop()
        counted = names(selection_set)
        worst = max(worst, max(counted.values(), default=0))
        for selection in selection_set.selections:
            if (isinstance(selection, FieldNode) and selection.selection_set is not None) or isinstance(
                selection, InlineFragmentNode
            ):
                stack.append(selection.selection_set)
    return worst


# A field asked again in the same selection adds nothing to the answer; 25 leaves room for
# fragments that each name `id`.
MAX_REPEATED_FIELD = 25


def cost_validator(max_cost: int) -> type[ValidationRule]:
    class CostLimitValidator(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            cost = document_cost(context.schema, context.document, stop_above=max_cost)
            if max_cost and cost > max_cost:
                context.report_error(
                    GraphQLError(
                        f"the query costs more than {max_cost} (every connection counts its page size "
                        f"times what it selects); ask for smaller pages or fewer fields",
                        extensions={"code": TOO_COMPLEX, "limit": "cost", "max": max_cost},
                    )
                )
                return
            if most_repeated(context.document) > MAX_REPEATED_FIELD:
                context.report_error(
                    GraphQLError(
                        f"a field is asked more than {MAX_REPEATED_FIELD} times in one selection",
                        extensions={"code": TOO_COMPLEX, "limit": "repeats", "max": MAX_REPEATED_FIELD},
                    )
                )

    return CostLimitValidator


def too_complex(error: GraphQLError, limit: str, maximum: int) -> GraphQLError:
    error.extensions = {**(error.extensions or {}), "code": TOO_COMPLEX, "limit": limit, "max": maximum}
    return error
