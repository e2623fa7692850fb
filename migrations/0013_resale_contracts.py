"""Issue 14: resale contracts (存量房买卖): the contract kind, its sellers, an optional escrow;
a tax record's kind wide enough for INDIVIDUAL_INCOME_TAX."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.enums import ContractKind, FundKind, TaxKind


def _on_sqlite(statements: list[str]):
    async def run(apps, schema_editor) -> None:
        if schema_editor.client.capabilities.dialect != "sqlite":
            return
        for statement in statements:
            await schema_editor.client.execute_script(statement)

    return run


# SQLite alters a column by remaking its table, which drops the table's unique_together:
# a bank reference is recorded once per kind, so the constraint is put back.
_RESTORE_UNIQUE = [
    "CREATE UNIQUE INDEX IF NOT EXISTS uid_fund_deposit_kind_bank_reference ON fund_deposit (kind, bank_reference)"
]


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0011_resale_and_fees")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ContractSeller",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sellers",
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
                        related_name="resold_contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("share", fields.DecimalField(null=True, max_digits=7, decimal_places=6)),
                ("position", fields.SmallIntField()),
            ],
            options={
                "table": "contract_seller",
                "app": "onewindow",
                "unique_together": (("contract", "party"),),
                "indexes": [Index(fields=["party_id"])],
                "pk_attr": "id",
                "table_description": "A resale's sellers: the holders of the ownership in force when it was drafted.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Contract",
            name="escrow_amount",
            field=fields.DecimalField(null=True, max_digits=16, decimal_places=2),
        ),
        ops.AddField(
            model_name="Contract",
            name="escrow_bank",
            field=fields.ForeignKeyField(
                "onewindow.Party",
                source_field="escrow_bank_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="escrowed_contracts",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="Contract",
            name="kind",
            field=fields.CharEnumField(
                default=ContractKind.NEW_HOME,
                description="NEW_HOME: NEW_HOME\nRESALE: RESALE",
                enum_type=ContractKind,
                max_length=16,
            ),
        ),
        ops.AddIndex(
            model_name="Contract",
            index=Index(fields=["escrow_bank_id"]),
        ),
        ops.AlterField(
            model_name="FundDeposit",
            name="kind",
            field=fields.CharEnumField(
                description="PRESALE_SUPERVISED: PRESALE_SUPERVISED\nMAINTENANCE: MAINTENANCE\nRESALE_ESCROW: RESALE_ESCROW",
                enum_type=FundKind,
                max_length=32,
            ),
        ),
        ops.RunPython(_on_sqlite(_RESTORE_UNIQUE), _on_sqlite([])),
        # INDIVIDUAL_INCOME_TAX is 21 characters: 0011 left the column at 16.
        ops.AlterField(
            model_name="TaxRecord",
            name="kind",
            field=fields.CharEnumField(
                default=TaxKind.DEED_TAX,
                description="DEED_TAX: DEED_TAX\nVAT: VAT\nINDIVIDUAL_INCOME_TAX: INDIVIDUAL_INCOME_TAX",
                enum_type=TaxKind,
                max_length=32,
            ),
        ),
    ]
