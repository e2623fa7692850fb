"""The hand-written SQL helpers: placeholders per dialect and multi-row inserts within limits."""
from types import SimpleNamespace

import pytest

from domain import sql
from domain.models import Property


def connection(dialect: str):
    return SimpleNamespace(capabilities=SimpleNamespace(dialect=dialect))


@pytest.mark.parametrize(("dialect", "expected"), [
    ("postgres", "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"),
    ("sqlite", "SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
])
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
