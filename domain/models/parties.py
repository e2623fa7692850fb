from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from domain.enums import LicenceStatus, MaritalStatus, PartyKind


class Party(Model):
    """A person or organisation that deals with the platform."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(PartyKind, max_length=16)
    # Resident ID (persons) or unified social credit code (organisations).
    id_number = fields.CharField(max_length=18, unique=True)
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "party"


class SharedPersonRecord(Model):
    """Population record from the county's big-data platform (DESIGN §6)."""

    id_number = fields.CharField(max_length=18, primary_key=True)
    name = fields.CharField(max_length=200)
    marital_status = fields.CharEnumField(MaritalStatus, max_length=16)
    spouse_id_number = fields.CharField(max_length=18, null=True, db_index=True)
    children_id_numbers: list[str] = fields.JSONField(default=list)
    household_address = fields.CharField(max_length=500, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "shared_person"


class SharedOrganizationRecord(Model):
    """Enterprise record from the big-data platform (DESIGN §6)."""

    id_number = fields.CharField(max_length=18, primary_key=True)
    name = fields.CharField(max_length=200)
    licence_status = fields.CharEnumField(LicenceStatus, max_length=16)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "shared_organization"
