"""Issue 14: a resale seller's taxes (VAT, individual income tax) are kinds of tax record."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from domain.enums import TaxKind


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0010_review_and_cancellation")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="TaxRecord",
            name="kind",
            field=fields.CharEnumField(
                default=TaxKind.DEED_TAX,
                description="DEED_TAX: DEED_TAX\nVAT: VAT\nINDIVIDUAL_INCOME_TAX: INDIVIDUAL_INCOME_TAX",
                enum_type=TaxKind,
                max_length=16,
            ),
        ),
    ]
