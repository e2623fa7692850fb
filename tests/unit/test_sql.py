"""The hand-written SQL helpers: placeholders per dialect, multi-row inserts within limits, literals."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from domain import sql
from domain.enums import Role
from domain.models import Property


def connection(dialect: str):
    return SimpleNamespace(capabilities=SimpleNamespace(dialect=dialect))


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("postgres", "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"),
        ("sqlite", "SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
    ],
)
def test_placeholders_are_numbered_for_postgres_only(dialect, expected):
    assert sql.for_dialect(connection(dialect), "SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == expected


def test_one_insert_carries_every_row_when_they_fit():
    [(text, values)] = sql.insert_rows("event_audience", ("event_id", "party_id"), [[1, 10], [1, 11], [2, 10]])
    assert text == "INSERT INTO event_audience (event_id, party_id) VALUES (?, ?), (?, ?), (?, ?)"
    assert values == [1, 10, 1, 11, 2, 10]


def test_rows_beyond_the_value_limit_go_to_further_statements():
    rows = [[n, n] for n in range(sql.MAX_VALUES)]  # twice the limit in values
    statements = sql.insert_rows("t", ("a", "b"), rows)
    assert len(statements) == 2
    assert all(len(values) <= sql.MAX_VALUES for _, values in statements)
    assert [v for _, values in statements for v in values] == [v for row in rows for v in row]


def test_an_update_names_its_columns_and_the_row_last():
    text, values = sql.update(Property, 7, {"address": "新园路1号"})
    assert text == "UPDATE property SET address = ? WHERE id = ?"
    assert values == ["新园路1号", 7]


# Literals for the simple-query protocol (domain/transactions.py): each one must mean exactly
# the value, whatever text a user typed.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "NULL"),
        (True, "TRUE"),
        (False, "FALSE"),
        (42, "42"),
        (-5, "(-5)"),  # "x - ?" must not become "x --5", a comment
        (Decimal("1000000.00"), "'1000000.00'"),
        ("息县", "E'息县'"),
        ("O'Brien", "E'O''Brien'"),
        ("a\\'); DROP TABLE party; --", "E'a\\\\''); DROP TABLE party; --'"),
        (datetime(2026, 11, 27, 8, 0, tzinfo=UTC), "'2026-11-27T08:00:00+00:00'"),
        (date(2026, 11, 27), "'2026-11-27'"),
        ([3, 1, 2], "'{3,1,2}'"),
        ([], "'{}'"),
    ],
)
def test_values_become_postgres_literals(value, expected):
    assert sql.literal(value) == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (1.5, TypeError),  # money and area are Decimal; a float is a bug, not a value
        (Decimal("NaN"), ValueError),
        (datetime(2026, 11, 27, 8, 0), ValueError),  # no time zone
        ("a\x00b", ValueError),
        (["1", "2"], TypeError),
        ([True], TypeError),
        (Role.BUYER, TypeError),  # an enum goes through its field's to_db_value first
        ({"a": 1}, TypeError),
    ],
)
def test_values_without_a_safe_literal_are_refused(value, error):
    with pytest.raises(error):
        sql.literal(value)


# Placeholders are numbered outside quoted text only; what cannot be told apart is refused.
def test_a_question_mark_inside_quotes_is_text_not_a_placeholder():
    text = "SELECT '?', ? , \"a?\", 'it''s ?' FROM t WHERE b = ?"
    assert sql.for_dialect(connection("postgres"), text) == "SELECT '?', $1 , \"a?\", 'it''s ?' FROM t WHERE b = $2"


@pytest.mark.parametrize("text", ["SELECT E'\\'?' , ?", "SELECT 'unterminated ?"])
def test_text_whose_quoting_is_unclear_is_refused(text):
    with pytest.raises(ValueError):
        sql.for_dialect(connection("postgres"), text)


def test_only_a_returning_statement_gives_rows_back():
    assert isinstance(sql.insert(Property, {"address": "a"}, returning="id"), sql.Returning)
    assert not isinstance(sql.insert(Property, {"address": "a"}), sql.Returning)
    # The text is not what decides: a plain Statement that says RETURNING is still plain.
    assert not isinstance(sql.Statement("UPDATE t SET a = 1 RETURNING a", []), sql.Returning)


def test_statements_made_one_return_what_the_returning_one_returns():
    one = sql.together(
        [sql.Statement("UPDATE a SET x = ?", [1]), sql.Returning("INSERT INTO b VALUES (?) RETURNING id", [2])]
    )
    assert isinstance(one, sql.Returning)
    assert one.text == "WITH w0 AS (UPDATE a SET x = ?), w1 AS (INSERT INTO b VALUES (?) RETURNING id) SELECT * FROM w1"
    assert one.values == [1, 2]
