from tortoise import fields
from tortoise.models import Model

from domain.enums import TaxKind, TaxStatus
from domain.models._fields import money


class TaxRecord(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(TaxKind, max_length=16, default=TaxKind.DEED_TAX)
    contract = fields.ForeignKeyField(
        "onewindow.Contract", related_name="tax_records", on_delete=fields.RESTRICT
    )
    property = fields.ForeignKeyField(
        "onewindow.Property", related_name="tax_records", on_delete=fields.RESTRICT
    )
    taxpayer = fields.ForeignKeyField(
        "onewindow.Party", related_name="tax_records", on_delete=fields.RESTRICT
    )
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
