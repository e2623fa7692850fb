"""Issue 14: 登记费 — every registration carries its fee; payments are recorded with their vouchers (FEE_PAID)."""

from decimal import Decimal

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.enums import EventType


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0015_combined_loans")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FeePayment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "registration",
                    fields.ForeignKeyField(
                        "onewindow.Registration",
                        source_field="registration_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="fee_payments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("voucher_number", fields.CharField(unique=True, max_length=64)),
                ("paid_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="recorded_fee_payments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "fee_payment",
                "app": "onewindow",
                "indexes": [Index(fields=["registration_id"])],
                "pk_attr": "id",
                "table_description": "One payment of a registration's fee (登记费缴费), recorded with its voucher.",
            },
            bases=["Model"],
        ),
        ops.AlterField(
            model_name="Event",
            name="type",
            field=fields.CharEnumField(
                db_index=True,
                description="PERMIT_ISSUED: PERMIT_ISSUED\nFUNDS_DEPOSITED: FUNDS_DEPOSITED\nCONTRACT_DRAFTED: CONTRACT_DRAFTED\nCONTRACT_SIGNED: CONTRACT_SIGNED\nCONTRACT_FILED: CONTRACT_FILED\nCONTRACT_CANCELLED: CONTRACT_CANCELLED\nREGISTRATION_SUBMITTED: REGISTRATION_SUBMITTED\nREGISTRATION_COMPLETED: REGISTRATION_COMPLETED\nREGISTRATION_REJECTED: REGISTRATION_REJECTED\nTAX_ASSESSED: TAX_ASSESSED\nTAX_PAID: TAX_PAID\nMORTGAGE_APPROVED: MORTGAGE_APPROVED\nCOMPLETION_ACCEPTED: COMPLETION_ACCEPTED\nCERTIFICATE_ISSUED: CERTIFICATE_ISSUED\nORGANIZATION_REGISTERED: ORGANIZATION_REGISTERED\nMORTGAGE_SIGNED: MORTGAGE_SIGNED\nRIGHT_LAPSED: RIGHT_LAPSED\nREGISTRATION_IN_REVIEW: REGISTRATION_IN_REVIEW\nREGISTRATION_WITHDRAWN: REGISTRATION_WITHDRAWN\nOBJECTION_LAWSUIT_RECORDED: OBJECTION_LAWSUIT_RECORDED\nFUNDS_REFUNDED: FUNDS_REFUNDED\nTRANSFER_CONSENTED: TRANSFER_CONSENTED\nFEE_PAID: FEE_PAID",
                enum_type=EventType,
                max_length=32,
            ),
        ),
        ops.AddField(
            model_name="Registration",
            name="fee",
            field=fields.DecimalField(default=Decimal("0.00"), max_digits=16, decimal_places=2),
        ),
    ]
