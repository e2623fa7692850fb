"""Reads the API answers most often, written out (cosmicpython's `views.py`): one statement
each, its text fixed, read into a named row.

Tortoise builds every query anew through pypika and turns the row into a model instance:
for `property(unitCode)` that was two thirds of the resolver's CPU time, and the resolver a
third of the request's (bench/README.md, read_path). Public facts only: what a viewer may
see of these rows is decided where the rest of the object is resolved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from tortoise import connections

from domain import sql
from domain.enums import PropertyStatus, PropertyUsage
from domain.models import Property


class PropertyRow(NamedTuple):
    """The columns the API's `Property` is made of (resolvers/types/permits.py `from_row`)."""

    id: int
    permit_id: int | None
    unit_code: str
    address: str
    building: str
    floor: int
    room: str
    building_area: Decimal
    usage: PropertyUsage
    status: PropertyStatus


_PROPERTY_BY_UNIT_CODE = f"SELECT {', '.join(PropertyRow._fields)} FROM property WHERE unit_code = ?"


async def property_by_unit_code(unit_code: str) -> PropertyRow | None:
    rows = await sql.fetch(connections.get("default"), _PROPERTY_BY_UNIT_CODE, [unit_code], PropertyRow, of=Property)
    return rows[0] if rows else None
