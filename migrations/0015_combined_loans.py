"""Issue 14, combined loans (组合贷): a contract names its lenders, a BANK and a PROVIDENT_FUND
for a combined loan. Existing contracts get their one lender as the first (and only) one."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0013_resale_contracts")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ContractLender",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lenders",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "party",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="party_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lending_contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.SmallIntField()),
            ],
            options={
                "table": "contract_lender",
                "app": "onewindow",
                "unique_together": (("contract", "party"),),
                "indexes": [Index(fields=["party_id"])],
                "pk_attr": "id",
                "table_description": (
                    "A lender the buyers chose (issue 14): one, or a BANK and a PROVIDENT_FUND for a combined"
                ),
            },
            bases=["Model"],
        ),
        ops.RunSQL(
            "INSERT INTO contract_lender (contract_id, party_id, position) "
            "SELECT id, lender_id, 0 FROM contract WHERE lender_id IS NOT NULL",
            reverse_sql="DELETE FROM contract_lender",
        ),
    ]
