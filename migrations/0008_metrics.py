"""The supervision figures' projection of the event log (issue 16), filled from the log as it stands."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.metrics_projection import rebuild


async def _project_the_log(apps, schema_editor) -> None:
    """The supervision figures of what the log already holds."""
    await rebuild(schema_editor.client)


async def _nothing(apps, schema_editor) -> None:
    pass


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0007_access_log")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApplicationFigures",
            fields=[
                ("registration_id", fields.IntField(primary_key=True, unique=True, db_index=True, generated=False)),
                ("kind", fields.CharField(null=True, max_length=32)),
                ("property_id", fields.IntField(null=True)),
                ("filed_ms", fields.BigIntField(null=True)),
                ("submitted_ms", fields.BigIntField(null=True, db_index=True)),
                ("applied_ms", fields.BigIntField(null=True)),
                ("accepted_ms", fields.BigIntField(null=True)),
                ("review_ms", fields.BigIntField(null=True, db_index=True)),
                ("decided_ms", fields.BigIntField(null=True, db_index=True)),
                ("decided_by", fields.CharField(null=True, max_length=16)),
                ("outcome", fields.CharField(null=True, max_length=16)),
            ],
            options={
                "table": "metrics_application",
                "app": "onewindow",
                "indexes": [Index(fields=["property_id", "kind"])],
                "pk_attr": "registration_id",
                "table_description": "One application as the event log tells it, kept for the supervision figures.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PermitFigures",
            fields=[
                ("permit_id", fields.IntField(primary_key=True, unique=True, db_index=True, generated=False)),
                ("accepted_ms", fields.BigIntField()),
            ],
            options={
                "table": "metrics_permit",
                "app": "onewindow",
                "pk_attr": "permit_id",
                "table_description": "A permit's completion acceptance (竣工验收备案) as the log tells it.",
            },
            bases=["Model"],
        ),
        ops.RunPython(_project_the_log, _nothing),
    ]
