"""The migrations in migrations/ build the schema the models describe, on either backend."""

from __future__ import annotations

import pytest
from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from api.db import tortoise_config
from domain.models import APP_LABEL
from domain.models.events import EventLogHead


async def _pending_model_changes() -> list[str]:
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    return [f"{w.app_label}.{w.name}: {[type(op).__name__ for op in w.operations]}" for w in writers]


async def test_models_and_migrations_do_not_drift():
    """Fails when a model changes without `tortoise makemigrations` (see README)."""
    assert await _pending_model_changes() == []


async def test_migrated_database_has_every_model_table_and_the_log_head(db):
    from tortoise import Tortoise

    client = connections.get("default")
    for model in Tortoise.apps[APP_LABEL].values():
        table = model._meta.db_table
        await client.execute_query(f"SELECT COUNT(*) FROM {table}")
    head = await EventLogHead.get(id=1)
    assert (head.last_seq, head.last_hash) == (0, "0" * 64)


async def test_the_unique_filed_property_column_refuses_a_second_filed_contract(db):
    """一房二卖 is refused by the database itself, not only by code."""
    import pytest
    from tortoise.exceptions import IntegrityError

    from domain.enums import ContractStatus
    from tests import factories

    world = await factories.World().build()
    with pytest.raises(IntegrityError):
        await factories.contract(world.properties[0], world.developer, [world.other_buyer], status=ContractStatus.FILED)


@pytest.mark.postgres
async def test_pending_events_are_not_written_to_the_wal(db):
    """Rows that never outlive their transaction (migration 0006)."""
    _, rows = await connections.get("default").execute_query(
        "SELECT relpersistence::text FROM pg_class WHERE relname = 'event_pending'"
    )
    assert rows[0][0] == "u"
