"""Issue 14: resale contracts (存量房买卖): the contract kind, its sellers, an optional escrow;
a tax record's kind wide enough for INDIVIDUAL_INCOME_TAX; a mortgage's consent to a resale
(带押过户) and its event."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.enums import ContractKind, EventType, FundKind, TaxKind


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
        # 带押过户: a mortgage's lender consents to a resale, and the event that says so.
        ops.AlterField(
            model_name="Event",
            name="type",
            field=fields.CharEnumField(
                db_index=True,
                description="PERMIT_ISSUED: PERMIT_ISSUED\nFUNDS_DEPOSITED: FUNDS_DEPOSITED\nCONTRACT_DRAFTED: CONTRACT_DRAFTED\nCONTRACT_SIGNED: CONTRACT_SIGNED\nCONTRACT_FILED: CONTRACT_FILED\nCONTRACT_CANCELLED: CONTRACT_CANCELLED\nREGISTRATION_SUBMITTED: REGISTRATION_SUBMITTED\nREGISTRATION_COMPLETED: REGISTRATION_COMPLETED\nREGISTRATION_REJECTED: REGISTRATION_REJECTED\nTAX_ASSESSED: TAX_ASSESSED\nTAX_PAID: TAX_PAID\nMORTGAGE_APPROVED: MORTGAGE_APPROVED\nCOMPLETION_ACCEPTED: COMPLETION_ACCEPTED\nCERTIFICATE_ISSUED: CERTIFICATE_ISSUED\nORGANIZATION_REGISTERED: ORGANIZATION_REGISTERED\nMORTGAGE_SIGNED: MORTGAGE_SIGNED\nRIGHT_LAPSED: RIGHT_LAPSED\nREGISTRATION_IN_REVIEW: REGISTRATION_IN_REVIEW\nREGISTRATION_WITHDRAWN: REGISTRATION_WITHDRAWN\nOBJECTION_LAWSUIT_RECORDED: OBJECTION_LAWSUIT_RECORDED\nFUNDS_REFUNDED: FUNDS_REFUNDED\nTRANSFER_CONSENTED: TRANSFER_CONSENTED",
                enum_type=EventType,
                max_length=32,
            ),
        ),
        ops.AddField(
            model_name="Mortgage",
            name="transfer_consent_contract",
            field=fields.ForeignKeyField(
                "onewindow.Contract",
                source_field="transfer_consent_contract_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="transfer_consents",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="Mortgage",
            name="transfer_consented_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name="Mortgage",
            index=Index(fields=["transfer_consent_contract_id"]),
        ),
    ]
