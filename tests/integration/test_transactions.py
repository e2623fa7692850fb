"""Transactions whose last statements carry the COMMIT (domain/transactions.py, eventlog.Outbox)."""
from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError, TransactionManagementError

from domain import eventlog, sql, transactions
from domain.enums import PartyKind
from domain.models import Party
from tests import factories
from tests.ids import resident_id

AWKWARD_NAMES = [
    "O'Brien",
    "a\\'); DROP TABLE party; --",
    "反斜杠\\n不是换行",
    "$1 ? $$ E'' ::int",
    "  leading and trailing  ",
]


async def _commit_with(conn, *parts: list[tuple[str, list]]) -> None:
    outbox = eventlog.Outbox(conn, factories.NOW)
    for statements in parts:
        await outbox.add(statements)
    await outbox.commit()


def _person(n: int, name: str) -> tuple[str, list]:
    return sql.insert(Party, {"kind": PartyKind.PERSON, "id_number": resident_id("411528", "19900101", f"{n:03d}"),
                              "name": name, "created_at": factories.NOW})


async def test_values_are_stored_exactly_as_given(db):
    async with transactions.transaction() as conn:
        await _commit_with(conn, [_person(n, name) for n, name in enumerate(AWKWARD_NAMES)])
    stored = await Party.all().order_by("id").values_list("name", flat=True)
    assert stored == AWKWARD_NAMES
    assert await Party.filter(created_at=factories.NOW).count() == len(AWKWARD_NAMES)


async def test_parts_added_one_after_another_run_in_that_order(db):
    async with transactions.transaction() as conn:
        text, values = _person(1, "先")
        await _commit_with(conn, [(text, values)], [sql.update(Party, 1, {"name": "后"})])
    assert await Party.all().values_list("id", "name") == [(1, "后")]


async def test_a_failing_last_statement_undoes_the_whole_transaction(db):
    with pytest.raises(IntegrityError):
        async with transactions.transaction() as conn:
            await sql.execute(conn, [_person(1, "先写入的")])
            # The same ID number again: the unique index refuses the last statement.
            await _commit_with(conn, [_person(2, "第二位")], [_person(1, "重复")])
    assert await Party.all().count() == 0
    # The pooled connection came back clean: the next transaction commits normally.
    async with transactions.transaction() as conn:
        await _commit_with(conn, [_person(3, "之后的")])
    assert await Party.all().values_list("name", flat=True) == ["之后的"]


@pytest.mark.postgres
async def test_nothing_runs_in_a_transaction_after_its_commit(db):
    with pytest.raises(TransactionManagementError):
        async with transactions.transaction() as conn:
            await _commit_with(conn, [_person(1, "已提交")])
            await sql.execute(conn, [_person(2, "提交之后")])
    assert await Party.all().values_list("name", flat=True) == ["已提交"]


@pytest.mark.postgres
async def test_prepared_statements_are_tracked_and_the_oldest_released(db, monkeypatch):
    monkeypatch.setattr(transactions, "MAX_PREPARED", 2)
    for rows in range(1, 5):  # four statement texts: one to four rows
        async with transactions.transaction() as conn:
            in_session = {name for [name] in await sql.fetch(
                conn, "SELECT name FROM pg_prepared_statements WHERE name LIKE 'ow\\_%'")}
            assert in_session == set(conn._connection.prepared_names)
            values = [v for n in range(rows) for v in _person(10 * rows + n, f"第{rows}批")[1]]
            text = _person(0, "")[0].replace(" VALUES (?, ?, ?, ?)", " VALUES " + ", ".join(["(?, ?, ?, ?)"] * rows))
            await _commit_with(conn, [(text, values)])
            assert len(conn._connection.prepared_names) <= 2
    assert await Party.all().count() == 1 + 2 + 3 + 4
