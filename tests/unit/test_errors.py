"""Errors: a new exception per raise; an IntegrityError names its constraint, and only the one meant matches."""

from __future__ import annotations

from types import SimpleNamespace

from tortoise.exceptions import IntegrityError

from domain.errors import violates_unique
from domain.services.filing import already_sold


def test_each_already_sold_is_a_new_exception_without_an_old_traceback():
    first, second = already_sold(), already_sold()
    assert first is not second
    assert first.__traceback__ is None and first.code.value == "ALREADY_SOLD"


def _postgres(constraint: str) -> IntegrityError:
    cause = SimpleNamespace(constraint_name=constraint)  # what asyncpg's UniqueViolationError carries
    error = IntegrityError(cause)
    error.__cause__ = None
    return error


def test_postgres_names_the_constraint():
    # The names PostgreSQL and Tortoise's migrations give (checked against a real database in
    # tests/integration/test_transactions.py and the fund-deposit and filing tests).
    assert violates_unique(_postgres("contract_filed_property_id_key"), "contract", "filed_property_id")
    assert not violates_unique(_postgres("contract_number_key"), "contract", "filed_property_id")
    assert violates_unique(_postgres("uid_fund_deposi_kind_95e782"), "fund_deposit", "kind", "bank_reference")


def test_sqlite_names_the_columns():
    filed = IntegrityError("UNIQUE constraint failed: contract.filed_property_id")
    number = IntegrityError("UNIQUE constraint failed: contract.number")
    pair = IntegrityError("UNIQUE constraint failed: fund_deposit.kind, fund_deposit.bank_reference")
    assert violates_unique(filed, "contract", "filed_property_id")
    assert not violates_unique(number, "contract", "filed_property_id")
    assert violates_unique(pair, "fund_deposit", "kind", "bank_reference")
    assert not violates_unique(pair, "fund_deposit", "kind")
