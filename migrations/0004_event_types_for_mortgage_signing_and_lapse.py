from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from domain.enums import EventType


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0003_foreign_key_indexes")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Event",
            name="type",
            field=fields.CharEnumField(
                db_index=True,
                description="PERMIT_ISSUED: PERMIT_ISSUED\nFUNDS_DEPOSITED: FUNDS_DEPOSITED\nCONTRACT_DRAFTED: CONTRACT_DRAFTED\nCONTRACT_SIGNED: CONTRACT_SIGNED\nCONTRACT_FILED: CONTRACT_FILED\nCONTRACT_CANCELLED: CONTRACT_CANCELLED\nREGISTRATION_SUBMITTED: REGISTRATION_SUBMITTED\nREGISTRATION_COMPLETED: REGISTRATION_COMPLETED\nREGISTRATION_REJECTED: REGISTRATION_REJECTED\nTAX_ASSESSED: TAX_ASSESSED\nTAX_PAID: TAX_PAID\nMORTGAGE_APPROVED: MORTGAGE_APPROVED\nCOMPLETION_ACCEPTED: COMPLETION_ACCEPTED\nCERTIFICATE_ISSUED: CERTIFICATE_ISSUED\nORGANIZATION_REGISTERED: ORGANIZATION_REGISTERED\nMORTGAGE_SIGNED: MORTGAGE_SIGNED\nRIGHT_LAPSED: RIGHT_LAPSED",
                enum_type=EventType,
                max_length=32,
            ),
        ),
    ]
