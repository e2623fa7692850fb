from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.enums import TaxKind, TaxStatus
from domain.models._fields import money

if TYPE_CHECKING:
    from domain.models.contracts import Contract
    from domain.models.parties import Party
    from domain.models.permits import Property


class TaxRecord(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(TaxKind, max_length=32, default=TaxKind.DEED_TAX)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="tax_records", on_delete=fields.RESTRICT
    )
    contract_id: int  # the column behind `contract`
    property: fields.ForeignKeyRelation[Property] = fields.ForeignKeyField(
        "onewindow.Property", related_name="tax_records", on_delete=fields.RESTRICT
    )
    property_id: int  # the column behind `property`
    taxpayer: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="tax_records", on_delete=fields.RESTRICT
    )
    taxpayer_id: int  # the column behind `taxpayer`
    family_homes_before = fields.IntField()
    taxable_amount = money()
    rate = fields.DecimalField(max_digits=6, decimal_places=4)
    amount = money()
    status = fields.CharEnumField(TaxStatus, max_length=16, default=TaxStatus.ASSESSED)
    assessed_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    voucher_number = fields.CharField(max_length=64, unique=True, null=True)

    class Meta:
        table = "tax_record"
        indexes = (("contract_id",), ("taxpayer_id",), ("property_id",))
