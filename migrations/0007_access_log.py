"""The read audit (查询留痕, DESIGN §8): `access_record`, append-only by the database's own rule.

Triggers refuse UPDATE and DELETE on both backends, so no code path (nor a mistaken one) can
change or remove a record; only a migration dropping the trigger could. TRUNCATE (the table
owner's, as a test run empties its database) is left to the database's privileges.
"""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.enums import Role

POSTGRES = [
    """
    CREATE FUNCTION onewindow_access_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'access_record is append-only';
    END
    $$
    """,
    """
    CREATE TRIGGER access_record_append_only BEFORE UPDATE OR DELETE ON access_record
        FOR EACH STATEMENT EXECUTE FUNCTION onewindow_access_record_append_only()
    """,
]
SQLITE = [
    "CREATE TRIGGER access_record_no_update BEFORE UPDATE ON access_record BEGIN SELECT RAISE(ABORT, 'access_record is append-only'); END",
    "CREATE TRIGGER access_record_no_delete BEFORE DELETE ON access_record BEGIN SELECT RAISE(ABORT, 'access_record is append-only'); END",
]
UNDO_POSTGRES = [
    "DROP TRIGGER IF EXISTS access_record_append_only ON access_record",
    "DROP FUNCTION IF EXISTS onewindow_access_record_append_only()",
]
UNDO_SQLITE = ["DROP TRIGGER IF EXISTS access_record_no_update", "DROP TRIGGER IF EXISTS access_record_no_delete"]


def _per_dialect(postgres: list[str], sqlite: list[str]):
    async def run(apps, schema_editor) -> None:
        statements = postgres if schema_editor.client.capabilities.dialect == "postgres" else sqlite
        for statement in statements:
            await schema_editor.client.execute_script(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0006_event_pending_unlogged")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AccessRecord",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "viewer_role",
                    fields.CharEnumField(
                        description="REGISTRAR: REGISTRAR\nHOUSING: HOUSING\nTAX: TAX\nBANK: BANK\nPROVIDENT_FUND: PROVIDENT_FUND\nDEVELOPER: DEVELOPER\nBUYER: BUYER\nSUPERVISOR: SUPERVISOR",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                ("viewer_subject", fields.CharField(max_length=200)),
                ("viewer_party", fields.CharField(null=True, max_length=18)),
                ("person_id_number", fields.CharField(max_length=18)),
                ("what", fields.CharField(max_length=64)),
                ("request_id", fields.CharField(max_length=64)),
            ],
            options={
                "table": "access_record",
                "app": "onewindow",
                "indexes": [Index(fields=["person_id_number", "at"]), Index(fields=["viewer_party", "at"])],
                "pk_attr": "id",
                "table_description": "查询留痕: one delivery of a person's unmasked ID number or home count to someone other",
            },
            bases=["Model"],
        ),
        ops.RunPython(_per_dialect(POSTGRES, SQLITE), _per_dialect(UNDO_POSTGRES, UNDO_SQLITE)),
    ]
