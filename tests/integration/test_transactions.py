"""The unit of work (domain/unit_of_work.py, api/persistence): the last statements travel with
the COMMIT, the commit is explicit, leaving without it rolls back, on both databases."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tortoise.exceptions import IntegrityError, TransactionManagementError

from api.persistence import postgres
from domain import sql, unit_of_work
from domain.enums import ContractStatus, EventType, PartyKind
from domain.errors import violates_unique
from domain.eventlog import EventRefs, NewEvent
from domain.models import Contract, Event, Party
from tests import factories
from tests.ids import resident_id

AWKWARD_NAMES = [
    "O'Brien",
    "a\\'); DROP TABLE party; --",
    "反斜杠\\n不是换行",
    "$1 ? $$ E'' ::int",
    "  leading and trailing  ",
]


class _Name(NamedTuple):
    name: str


def _uow() -> unit_of_work.UnitOfWork:
    return unit_of_work.UnitOfWork(unit_of_work.installed(), factories.NOW)


def _person(n: int, name: str) -> sql.Statement:
    return sql.insert(
        Party,
        {
            "kind": PartyKind.PERSON,
            "id_number": resident_id("411528", "19900101", f"{n:03d}"),
            "name": name,
            "created_at": factories.NOW,
        },
    )


def _event(n: int) -> NewEvent:
    return NewEvent(EventType.PERMIT_ISSUED, EventRefs(), {"n": n})


async def test_values_are_stored_exactly_as_given(db):
    async with _uow() as uow:
        await uow.write(*[_person(n, name) for n, name in enumerate(AWKWARD_NAMES)])
        await uow.commit()
    stored = await Party.all().order_by("id").values_list("name", flat=True)
    assert stored == AWKWARD_NAMES
    assert await Party.filter(created_at=factories.NOW).count() == len(AWKWARD_NAMES)


async def test_parts_added_one_after_another_run_in_that_order(db):
    async with _uow() as uow:
        await uow.lock(Party, 1)  # the transaction has begun: what follows is made ready as it comes
        await uow.write(_person(1, "先"))
        await uow.write(sql.update(Party, 1, {"name": "后"}))
        await uow.commit()
    assert await Party.all().values_list("id", "name") == [(1, "后")]


async def test_leaving_the_block_without_commit_rolls_everything_back(db):
    async with _uow() as uow:
        await uow.execute(_person(1, "立即写入"))
        await uow.write(_person(2, "随提交写入"))
        await uow.record(_event(1))
    assert await Party.all().count() == 0
    assert await Event.all().count() == 0


@pytest.mark.parametrize("begun", [False, True], ids=["first-in-the-transaction", "after-a-read"])
async def test_statements_run_together_see_each_other_and_the_awkward_text(db, begun):
    # Several plain statements run now travel as one script on PostgreSQL (BEGIN too when
    # nothing ran yet): each sees the ones before it, and the text is stored exactly.
    async with _uow() as uow:
        if begun:
            await uow.lock(Party, 1)
        await uow.execute(
            *[_person(n, f"先{n}") for n in range(len(AWKWARD_NAMES))],
            *[sql.update(Party, n + 1, {"name": name}) for n, name in enumerate(AWKWARD_NAMES)],
        )
        names = await uow.fetch("SELECT name FROM party ORDER BY id", [], _Name)
        assert [n.name for n in names] == AWKWARD_NAMES  # read in the transaction, before the commit
        await uow.commit()
    assert await Party.all().order_by("id").values_list("name", flat=True) == AWKWARD_NAMES


async def test_statements_run_together_are_undone_without_the_commit(db):
    async with _uow() as uow:
        await uow.execute(_person(1, "甲"), _person(2, "乙"))
    assert await Party.all().count() == 0
    with pytest.raises(IntegrityError):
        async with _uow() as uow:
            await uow.execute(_person(1, "甲"), _person(1, "同号"))  # the second collides with the first
    assert await Party.all().count() == 0


async def test_a_locked_row_comes_with_the_row_it_names_or_none(db):
    async with _uow() as uow:
        await uow.execute(_person(1, "甲"), _person(2, "乙"))
        await uow.commit()
    async with _uow() as uow:
        rows = await uow.lock_joined(Party, Party, "j.id = m.id + 1", "m.id IN (?, ?)", [1, 2])
        assert [(m.name, j.name if j else None) for m, j in rows] == [("甲", "乙"), ("乙", None)]
        [(party, _)] = await uow.lock_joined(Party, Party, "j.id = m.id", "m.id = ?", [1])
        assert party.id_number == resident_id("411528", "19900101", "001")
        assert await uow.read_where(Party, "name = ?", ["乙"]) != []


async def test_an_exception_in_the_block_rolls_everything_back(db):
    with pytest.raises(RuntimeError):
        async with _uow() as uow:
            await uow.execute(_person(1, "立即写入"))
            await uow.record(_event(1))
            raise RuntimeError("the use case failed")
    assert await Party.all().count() == 0
    assert await Event.all().count() == 0


async def test_a_unit_that_only_queues_returns_the_rows_asked_for(db):
    async with _uow() as uow:
        await uow.write(
            sql.insert(
                Party,
                {
                    "kind": PartyKind.PERSON,
                    "id_number": resident_id("411528", "19900101", "001"),
                    "name": "甲",
                    "created_at": factories.NOW,
                },
                returning="id",
            )
        )
        await uow.record(_event(1))
        [[party_id]] = await uow.commit()
    assert await Party.filter(id=party_id).values_list("name", flat=True) == ["甲"]
    assert await Event.all().count() == 1


async def test_a_failing_last_statement_undoes_the_whole_transaction(db):
    with pytest.raises(IntegrityError):
        async with _uow() as uow:
            await uow.execute(_person(1, "先写入的"))
            # The same ID number again: the unique index refuses the last statement.
            await uow.write(_person(2, "第二位"))
            await uow.write(_person(1, "重复"))
            await uow.commit()
    assert await Party.all().count() == 0
    # The pooled connection came back clean: the next transaction commits normally.
    async with _uow() as uow:
        await uow.write(_person(3, "之后的"))
        await uow.commit()
    assert await Party.all().values_list("name", flat=True) == ["之后的"]


async def test_a_unique_violation_names_its_own_constraint_only(db):
    """PostgreSQL reports constraint names, SQLite columns: both map to the same question."""
    for statements in ([_person(1, "甲")], [_person(1, "乙")]):
        try:
            async with _uow() as uow:
                await uow.execute(*statements)
                await uow.commit()
        except IntegrityError as exc:
            assert violates_unique(exc, "party", "id_number")
            assert not violates_unique(exc, "contract", "filed_property_id")
            assert not violates_unique(exc, "party", "name")
            break
    else:
        pytest.fail("the second insert of one ID number was not refused")


@pytest.mark.postgres
async def test_nothing_runs_in_a_transaction_after_its_commit(db):
    with pytest.raises(TransactionManagementError):
        async with _uow() as uow:
            conn = uow.conn
            await uow.lock(Party, 1)
            await uow.write(_person(1, "已提交"))
            await uow.commit()
            await sql.execute(conn, [_person(2, "提交之后")])
    assert await Party.all().values_list("name", flat=True) == ["已提交"]


@pytest.mark.postgres
async def test_prepared_statements_are_tracked_and_the_oldest_released(db, monkeypatch):
    monkeypatch.setattr(postgres, "MAX_PREPARED", 2)

    for rows in range(1, 5):  # four statement texts: one to four rows
        async with _uow() as uow:
            conn = uow.conn
            in_session = {
                r.name
                for r in await uow.fetch("SELECT name FROM pg_prepared_statements WHERE name LIKE 'ow\\_%'", [], _Name)
            }
            assert in_session == set(conn._connection.prepared_names)
            values = [v for n in range(rows) for v in _person(10 * rows + n, f"第{rows}批")[1]]
            text = _person(0, "")[0].replace(" VALUES (?, ?, ?, ?)", " VALUES " + ", ".join(["(?, ?, ?, ?)"] * rows))
            await uow.write(sql.Statement(text, values))
            await uow.commit()
            assert len(conn._connection.prepared_names) <= 2
    assert await Party.all().count() == 1 + 2 + 3 + 4


async def test_only_the_filed_property_constraint_means_already_sold(db):
    """The names each database reports for the contract's two unique columns, as Tortoise's
    migrations created them: a second filing of a home is ALREADY_SOLD, a number collision is not."""
    developer = await factories.organization("91411528MA0000001H", "开发商")
    bank = await factories.organization("91411528MA0000002F", "银行")
    _, [home, other] = await factories.permit("XS-1", developer, bank)
    await factories.contract(home, developer, [], status=ContractStatus.FILED, number="N-1")
    second_filing = sql.update(
        Contract, (await factories.contract(home, developer, [])).id, {"filed_property_id": home.id}
    )
    same_number = sql.update(Contract, (await factories.contract(other, developer, [])).id, {"number": "N-1"})
    for statement, is_filing in ((second_filing, True), (same_number, False)):
        with pytest.raises(IntegrityError) as refused:
            async with _uow() as uow:
                await uow.write(statement)
                await uow.commit()
        assert violates_unique(refused.value, "contract", "filed_property_id") is is_filing
        assert violates_unique(refused.value, "contract", "number") is not is_filing
