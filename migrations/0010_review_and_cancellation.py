"""Issue 13: cancellation, review, withdrawal refunds and objections (DESIGN §7): new kinds,
statuses and events, a person's decision, the cancelled right, objection lawsuits, fund refunds."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.enums import EventType, RegistrationKind, RegistrationStatus


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0008_metrics")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FundRefund",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="refunds",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("bank_reference", fields.CharField(unique=True, max_length=64)),
                (
                    "refunder",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="refunder_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="recorded_refunds",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("refunded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "fund_refund",
                "app": "onewindow",
                "indexes": [Index(fields=["contract_id"])],
                "pk_attr": "id",
                "table_description": "Supervised money paid back to the buyers after a withdrawn sale (退房退款).",
            },
            bases=["Model"],
        ),
        ops.AlterField(
            model_name="Event",
            name="type",
            field=fields.CharEnumField(
                db_index=True,
                description="PERMIT_ISSUED: PERMIT_ISSUED\nFUNDS_DEPOSITED: FUNDS_DEPOSITED\nCONTRACT_DRAFTED: CONTRACT_DRAFTED\nCONTRACT_SIGNED: CONTRACT_SIGNED\nCONTRACT_FILED: CONTRACT_FILED\nCONTRACT_CANCELLED: CONTRACT_CANCELLED\nREGISTRATION_SUBMITTED: REGISTRATION_SUBMITTED\nREGISTRATION_COMPLETED: REGISTRATION_COMPLETED\nREGISTRATION_REJECTED: REGISTRATION_REJECTED\nTAX_ASSESSED: TAX_ASSESSED\nTAX_PAID: TAX_PAID\nMORTGAGE_APPROVED: MORTGAGE_APPROVED\nCOMPLETION_ACCEPTED: COMPLETION_ACCEPTED\nCERTIFICATE_ISSUED: CERTIFICATE_ISSUED\nORGANIZATION_REGISTERED: ORGANIZATION_REGISTERED\nMORTGAGE_SIGNED: MORTGAGE_SIGNED\nRIGHT_LAPSED: RIGHT_LAPSED\nREGISTRATION_IN_REVIEW: REGISTRATION_IN_REVIEW\nREGISTRATION_WITHDRAWN: REGISTRATION_WITHDRAWN\nOBJECTION_LAWSUIT_RECORDED: OBJECTION_LAWSUIT_RECORDED\nFUNDS_REFUNDED: FUNDS_REFUNDED",
                enum_type=EventType,
                max_length=32,
            ),
        ),
        ops.AlterField(
            model_name="Registration",
            name="kind",
            field=fields.CharEnumField(
                description="ADVANCE_NOTICE: ADVANCE_NOTICE\nADVANCE_MORTGAGE: ADVANCE_MORTGAGE\nFIRST_OWNERSHIP: FIRST_OWNERSHIP\nTRANSFER: TRANSFER\nMORTGAGE: MORTGAGE\nMORTGAGE_DISCHARGE: MORTGAGE_DISCHARGE\nSEIZURE: SEIZURE\nSEIZURE_RELEASE: SEIZURE_RELEASE\nCANCELLATION: CANCELLATION\nOBJECTION: OBJECTION\nCORRECTION: CORRECTION",
                enum_type=RegistrationKind,
                max_length=32,
            ),
        ),
        ops.AlterField(
            model_name="Registration",
            name="status",
            field=fields.CharEnumField(
                db_index=True,
                description="AWAITING_SIGNATURE: AWAITING_SIGNATURE\nSUBMITTED: SUBMITTED\nIN_REVIEW: IN_REVIEW\nCOMPLETED: COMPLETED\nREJECTED: REJECTED\nWITHDRAWN: WITHDRAWN",
                enum_type=RegistrationStatus,
                max_length=32,
            ),
        ),
        ops.AddField(
            model_name="Registration",
            name="cancels",
            field=fields.ForeignKeyField(
                "onewindow.Registration",
                source_field="cancels_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="cancelled_by",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="Registration",
            name="decided_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Registration",
            name="decider_subject",
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name="Registration",
            name="decision_reason",
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name="Registration",
            name="lawsuit_case_number",
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddIndex(
            model_name="Registration",
            index=Index(fields=["cancels_id"]),
        ),
    ]
