from tortoise import fields
from tortoise.models import Model

from domain.enums import ContractStatus, FundKind, PaymentMethod
from domain.models._fields import money


class Contract(Model):
    """Online sales contract (网签合同) between a developer and its buyers."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True, null=True)
    property = fields.ForeignKeyField(
        "onewindow.Property", related_name="contracts", on_delete=fields.RESTRICT
    )
    seller = fields.ForeignKeyField(
        "onewindow.Party", related_name="sold_contracts", on_delete=fields.RESTRICT
    )
    lender = fields.ForeignKeyField(
        "onewindow.Party", related_name="lent_contracts", null=True, on_delete=fields.RESTRICT
    )
    price = money()
    down_payment = money()
    payment_method = fields.CharEnumField(PaymentMethod, max_length=32)
    delivery_with_certificate = fields.BooleanField()
    status = fields.CharEnumField(
        ContractStatus, max_length=16, default=ContractStatus.DRAFT, db_index=True
    )
    document_hash = fields.CharField(max_length=64)
    # Equals property_id while FILED and NULL otherwise. Its unique constraint is how the
    # database itself refuses a second filed contract for one home (一房二卖), on SQLite and
    # PostgreSQL alike, whatever the code above it does.
    filed_property_id = fields.IntField(null=True, unique=True)
    cancel_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    filed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "contract"
        indexes = (("property_id", "status"), ("seller_id",), ("lender_id",))


class ContractBuyer(Model):
    id = fields.IntField(primary_key=True)
    contract = fields.ForeignKeyField(
        "onewindow.Contract", related_name="buyers", on_delete=fields.CASCADE
    )
    party = fields.ForeignKeyField(
        "onewindow.Party", related_name="bought_contracts", on_delete=fields.RESTRICT
    )
    # Fraction under 按份共有; NULL means joint ownership (共同共有).
    share = fields.DecimalField(max_digits=7, decimal_places=6, null=True)
    position = fields.SmallIntField()

    class Meta:
        table = "contract_buyer"
        indexes = (("party_id",),)
        unique_together = (("contract", "party"),)


class Signature(Model):
    """A signature over one document: a contract, a registration application or a mortgage."""

    id = fields.IntField(primary_key=True)
    contract = fields.ForeignKeyField(
        "onewindow.Contract", related_name="signatures", null=True, on_delete=fields.CASCADE
    )
    registration = fields.ForeignKeyField(
        "onewindow.Registration", related_name="signatures", null=True, on_delete=fields.CASCADE
    )
    mortgage = fields.ForeignKeyField(
        "onewindow.Mortgage", related_name="signatures", null=True, on_delete=fields.CASCADE
    )
    signer = fields.ForeignKeyField(
        "onewindow.Party", related_name="signatures", on_delete=fields.RESTRICT
    )
    signed_at = fields.DatetimeField(auto_now_add=True)
    method = fields.CharField(max_length=16)
    document_hash = fields.CharField(max_length=64)

    class Meta:
        table = "signature"
        indexes = (("contract_id",), ("registration_id",), ("mortgage_id",))


class FundDeposit(Model):
    id = fields.IntField(primary_key=True)
    contract = fields.ForeignKeyField(
        "onewindow.Contract", related_name="deposits", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(FundKind, max_length=32)
    amount = money()
    bank_reference = fields.CharField(max_length=64)
    depositor = fields.ForeignKeyField(
        "onewindow.Party", related_name="recorded_deposits", null=True, on_delete=fields.RESTRICT
    )
    deposited_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "fund_deposit"
        indexes = (("contract_id",),)
        unique_together = (("kind", "bank_reference"),)


class FundRefund(Model):
    """Supervised money paid back to the buyers after a withdrawn sale (退房退款)."""

    id = fields.IntField(primary_key=True)
    contract = fields.ForeignKeyField(
        "onewindow.Contract", related_name="refunds", on_delete=fields.RESTRICT
    )
    amount = money()
    bank_reference = fields.CharField(max_length=64, unique=True)
    refunder = fields.ForeignKeyField(
        "onewindow.Party", related_name="recorded_refunds", null=True, on_delete=fields.RESTRICT
    )
    refunded_at = fields.DatetimeField()

    class Meta:
        table = "fund_refund"
        indexes = (("contract_id",),)
