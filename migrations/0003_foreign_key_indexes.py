from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0002_event_log_genesis")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Contract",
            index=Index(fields=["property_id", "status"]),
        ),
        ops.AddIndex(
            model_name="Contract",
            index=Index(fields=["seller_id"]),
        ),
        ops.AddIndex(
            model_name="Contract",
            index=Index(fields=["lender_id"]),
        ),
        ops.AddIndex(
            model_name="ContractBuyer",
            index=Index(fields=["party_id"]),
        ),
        ops.AddIndex(
            model_name="FundDeposit",
            index=Index(fields=["contract_id"]),
        ),
        ops.AddIndex(
            model_name="Mortgage",
            index=Index(fields=["contract_id"]),
        ),
        ops.AddIndex(
            model_name="Mortgage",
            index=Index(fields=["lender_id"]),
        ),
        ops.AddIndex(
            model_name="Mortgage",
            index=Index(fields=["property_id"]),
        ),
        ops.AddIndex(
            model_name="MortgageBorrower",
            index=Index(fields=["party_id"]),
        ),
        ops.AddIndex(
            model_name="Permit",
            index=Index(fields=["developer_id"]),
        ),
        ops.AddIndex(
            model_name="Permit",
            index=Index(fields=["supervising_bank_id"]),
        ),
        ops.AddIndex(
            model_name="Property",
            index=Index(fields=["permit_id"]),
        ),
        ops.AddIndex(
            model_name="Registration",
            index=Index(fields=["contract_id"]),
        ),
        ops.AddIndex(
            model_name="Registration",
            index=Index(fields=["mortgage_id"]),
        ),
        ops.AddIndex(
            model_name="RegistrationParty",
            index=Index(fields=["party_id", "role"]),
        ),
        ops.AddIndex(
            model_name="RuleCheck",
            index=Index(fields=["registration_id"]),
        ),
        ops.AddIndex(
            model_name="Signature",
            index=Index(fields=["contract_id"]),
        ),
        ops.AddIndex(
            model_name="Signature",
            index=Index(fields=["registration_id"]),
        ),
        ops.AddIndex(
            model_name="Signature",
            index=Index(fields=["mortgage_id"]),
        ),
        ops.AddIndex(
            model_name="TaxRecord",
            index=Index(fields=["contract_id"]),
        ),
        ops.AddIndex(
            model_name="TaxRecord",
            index=Index(fields=["taxpayer_id"]),
        ),
        ops.AddIndex(
            model_name="TaxRecord",
            index=Index(fields=["property_id"]),
        ),
    ]
