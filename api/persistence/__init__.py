"""The unit of work's strategies, one per database (domain/unit_of_work.py defines the interface)."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from api.persistence.postgres import PostgresDatabase
from api.persistence.sqlite import SqliteDatabase
from domain.unit_of_work import Database


def database_for(client: BaseDBAsyncClient) -> Database:
    """The strategy for Tortoise's connection `client` (its name is looked up on each use)."""
    if client.capabilities.dialect == "postgres":
        return PostgresDatabase(client.connection_name)
    return SqliteDatabase(client.connection_name)
