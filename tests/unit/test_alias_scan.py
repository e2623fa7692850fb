"""The alias count read from the text before parsing (resolvers/limits.py more_aliases_than):
it may refuse only what strawberry's MaxAliasesLimiter refuses after parsing."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from strawberry.extensions.max_aliases import count_fields_with_alias

from resolvers.limits import more_aliases_than


def limiter_count(text: str) -> int:
    """What the limiter counts: every operation's aliases, each fragment spread's again."""
    document = parse(text)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return sum(
        count_fields_with_alias(d, fragments) for d in document.definitions if isinstance(d, OperationDefinitionNode)
    )


def aliases(n: int, name: str = "a") -> str:
    return " ".join(f"{name}{i}: viewer {{ role }}" for i in range(n))


EXACT = [
    ("{ " + aliases(15) + " }", 15),
    ("{ " + aliases(16) + " }", 16),
    ("query Q($v: In = {k: 1, j: {x: 2}} @d(p: 3), $w: [Int!]!) @e(f: 4) { " + aliases(16) + " }", 16),
    ("mutation M { " + aliases(8) + " } subscription S @d { " + aliases(8) + " }", 16),
    ("{ a: viewer(p: 1, q: {r: 2, s: [3, {t: 4}]}) @include(if: $x) { b: role } }", 2),
    ("{ ... on Query { " + aliases(16) + " } ... @d { c: viewer { role } } }", 17),
    ("{\ufeff a\t:\r\n viewer ,b , :viewer }", 2),
    ("query type { " + aliases(16) + " } query fragment { x: viewer }", 17),
    ("{ on: viewer { query: role fragment: role } }", 3),
]


@pytest.mark.parametrize(("text", "count"), EXACT)
def test_the_aliases_of_operations_are_counted_exactly(text, count):
    assert limiter_count(text) == count
    assert more_aliases_than(text, count - 1)
    assert not more_aliases_than(text, count)


NOT_ALIASES = [
    # strings, block strings (with their escapes), comments, arguments: colons that are no alias
    '{ viewer(x: "a: b: c: { ( ) # \\" d: e:") { role } }',
    '{ viewer(x: """a: b: \\""" c: d: } { """) { role } }',
    '"""e: f: g: h:""" query Q { viewer { role } }',
    "{ viewer { role } } # a: b: c: d: e: f: g: h: { i: }",
    "query($a: Int, $b: Int, $c: Int, $d: In = {e: 1, f: 2, g: {h: 3}} @x(i: 4, j: 5)) { viewer(k: 1, l: 2) { role } }",
    # a fragment's aliases count only where it is spread, and here it is not
    "{ viewer { role } } fragment F on Query { " + aliases(20) + " }",
    # type definitions have `name: Type` fields, not aliases (the document is refused later, as such)
    "type T { a: Int b(x: Int = 1 @d(y: 2)): [S!] c: D d: E e: F f: G g: H h: I } { viewer { role } }",
    "schema { query: Q mutation: M subscription: S } input I { a: Int = 3, b: In = {x: 1}, c: J d: K e: L }",
    'scalar S "d" type U { a: A b: B c: C d: D e: E f: F g: G h: H }',
]


@pytest.mark.parametrize("text", NOT_ALIASES)
def test_colons_that_are_not_aliases_do_not_count(text):
    assert limiter_count(text) == 0
    assert not more_aliases_than(text, 0)


def test_what_fragments_add_is_left_to_the_limiter():
    text = "{ " + aliases(10) + " ...F } fragment F on Query { " + aliases(10, "b") + " }"
    assert limiter_count(text) == 20
    assert not more_aliases_than(text, 15)  # the limiter refuses it after parsing
    assert more_aliases_than(text, 9)


@pytest.mark.parametrize(
    "text",
    [
        "{ " + aliases(20) + " } }",  # unbalanced: the parser says where
        "{ " + aliases(20),
        "}{ " + aliases(20) + " }",
    ],
)
def test_an_unbalanced_document_is_left_to_the_parser(text):
    assert not more_aliases_than(text, 15)


def test_an_unterminated_string_does_not_hide_what_follows_its_line():
    # Invalid either way; what matters is that the scan ends and counts what is outside.
    assert more_aliases_than('{ x(a: "open\n) ' + aliases(16) + " }", 15)
    assert not more_aliases_than('{ viewer(x: """never closed ' + aliases(16) + " }) }", 15)
