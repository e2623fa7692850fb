from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from domain.enums import EventType


class Event(Model):
    """One entry of the append-only, hash-chained log (the outbox, DESIGN §4).

    `seq` is assigned under the log-head lock, so it follows commit order with no gaps.
    The references are plain integers, not foreign keys: the log outlives any row it names
    and must never block, or be cascaded by, changes to them.
    """

    seq = fields.BigIntField(primary_key=True, generated=False)
    type = fields.CharEnumField(EventType, max_length=32, db_index=True)
    occurred_at = fields.DatetimeField()
    property_id = fields.IntField(null=True, db_index=True)
    contract_id = fields.IntField(null=True)
    registration_id = fields.IntField(null=True)
    tax_record_id = fields.IntField(null=True)
    mortgage_id = fields.IntField(null=True)
    payload: Any = fields.JSONField()
    previous_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "event"


class EventAudience(Model):
    """Parties (besides all-seeing departments) who may see an event, fixed when it is logged."""

    id = fields.BigIntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "onewindow.Event", related_name="audience", on_delete=fields.RESTRICT
    )
    event_id: int  # the column behind `event`
    party_id = fields.IntField()

    class Meta:
        table = "event_audience"
        unique_together = (("party_id", "event"),)


class EventLogHead(Model):
    """The single row every append locks: last sequence number and hash of the chain."""

    id = fields.IntField(primary_key=True)
    last_seq = fields.BigIntField(default=0)
    last_hash = fields.CharField(max_length=64)

    class Meta:
        table = "event_log_head"
