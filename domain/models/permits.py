from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.enums import PermitStatus, PropertyStatus, PropertyUsage, SaleType
from domain.models._fields import area

if TYPE_CHECKING:
    from domain.models.parties import Party


class Permit(Model):
    """Pre-sale (or current-sale) permit issued by the housing bureau."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True)
    developer: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="developer_permits", on_delete=fields.RESTRICT
    )
    developer_id: int  # the column behind `developer`
    project_name = fields.CharField(max_length=200)
    sale_type = fields.CharEnumField(SaleType, max_length=16)
    supervised_account = fields.CharField(max_length=64)
    supervising_bank: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="supervised_permits", on_delete=fields.RESTRICT
    )
    supervising_bank_id: int  # the column behind `supervising_bank`
    status = fields.CharEnumField(PermitStatus, max_length=16, default=PermitStatus.VALID)
    issued_at = fields.DatetimeField(auto_now_add=True)
    completion_acceptance_number = fields.CharField(max_length=64, null=True)
    completion_accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "permit"
        indexes = (("developer_id",), ("supervising_bank_id",))


class Property(Model):
    """One real-estate unit (不动产单元)."""

    id = fields.IntField(primary_key=True)
    unit_code = fields.CharField(max_length=28, unique=True)
    address = fields.CharField(max_length=500)
    building = fields.CharField(max_length=64)
    floor = fields.IntField()
    room = fields.CharField(max_length=64)
    building_area = area()
    usage = fields.CharEnumField(PropertyUsage, max_length=16)
    # Kept by the services on every transition so filters and lists need no joins.
    status = fields.CharEnumField(PropertyStatus, max_length=16, default=PropertyStatus.AVAILABLE, db_index=True)
    permit: fields.ForeignKeyNullableRelation[Permit] = fields.ForeignKeyField(
        "onewindow.Permit", related_name="properties", null=True, on_delete=fields.RESTRICT
    )
    permit_id: int | None  # the column behind `permit`
    # First registration date, the start of the 90-day lapse of advance notices.
    first_registered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "property"
        indexes = (("permit_id",),)
