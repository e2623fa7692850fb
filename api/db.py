"""Database configuration and migrations (Tortoise's own migration engine)."""

from __future__ import annotations

import os
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as tortoise_migrate

from api.persistence import database_for
from api.persistence.postgres import PooledConnection
from domain import unit_of_work
from domain.models import APP_LABEL, MODEL_MODULES
from domain.unit_of_work import Database

DEFAULT_POOL_SIZE = 20


def _connection(database_url: str) -> str | dict:
    url = _connection_url(database_url)
    if not url.startswith("postgres://"):
        return url
    config = expand_db_url(url)
    config["credentials"]["connection_class"] = PooledConnection
    config["credentials"].setdefault("maxsize", DEFAULT_POOL_SIZE)
    return config


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection_url(database_url: str) -> str:
    # Tortoise names the asyncpg engine "postgres"; accept the common "postgresql" spelling.
    if database_url.startswith("postgresql://"):
        return "postgres://" + database_url[len("postgresql://") :]
    return database_url


def ensure_sqlite_directory(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url[len("sqlite://") :]).parent.mkdir(parents=True, exist_ok=True)


async def apply_migrations(database_url: str) -> None:
    """Bring the database to the latest migration; a no-op when it is there already."""
    ensure_sqlite_directory(database_url)
    await tortoise_migrate(config=tortoise_config(database_url))
    await Tortoise.close_connections()


async def init_orm(database_url: str) -> Database:
    """Start the ORM; returns the unit of work's strategy for this database, installed as the
    default of every use case that is not given one (domain/unit_of_work.py)."""
    ensure_sqlite_directory(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    database = database_for(connections.get("default"))
    unit_of_work.install(database)
    return database


# For Tortoise's own CLI (`tortoise -c api.db.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(os.environ.get("ONEWINDOW_DATABASE_URL", "sqlite://var/onewindow.sqlite3"))
