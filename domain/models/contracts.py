from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.enums import ContractKind, ContractStatus, FundKind, PaymentMethod
from domain.models._fields import money

if TYPE_CHECKING:
    from domain.models.mortgages import Mortgage
    from domain.models.parties import Party
    from domain.models.permits import Property
    from domain.models.registrations import Registration


class Contract(Model):
    """Online sales contract (网签合同) between a developer and its buyers."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True, null=True)
    kind = fields.CharEnumField(ContractKind, max_length=16, default=ContractKind.NEW_HOME)
    property: fields.ForeignKeyRelation[Property] = fields.ForeignKeyField(
        "onewindow.Property", related_name="contracts", on_delete=fields.RESTRICT
    )
    property_id: int  # the column behind `property`
    seller: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="sold_contracts", on_delete=fields.RESTRICT
    )
    seller_id: int  # the column behind `seller`
    lender: fields.ForeignKeyNullableRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="lent_contracts", null=True, on_delete=fields.RESTRICT
    )
    lender_id: int | None  # the column behind `lender`
    # A resale's escrow (存量房交易资金监管): the bank holding the money, and how much filing needs.
    escrow_bank: fields.ForeignKeyNullableRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="escrowed_contracts", null=True, on_delete=fields.RESTRICT
    )
    escrow_bank_id: int | None  # the column behind `escrow_bank`
    escrow_amount = money(null=True)
    price = money()
    down_payment = money()
    payment_method = fields.CharEnumField(PaymentMethod, max_length=32)
    delivery_with_certificate = fields.BooleanField()
    status = fields.CharEnumField(ContractStatus, max_length=16, default=ContractStatus.DRAFT, db_index=True)
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
        indexes = (("property_id", "status"), ("seller_id",), ("lender_id",), ("escrow_bank_id",))


class ContractBuyer(Model):
    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="buyers", on_delete=fields.CASCADE
    )
    contract_id: int  # the column behind `contract`
    party: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="bought_contracts", on_delete=fields.RESTRICT
    )
    party_id: int  # the column behind `party`
    # Fraction under 按份共有; NULL means joint ownership (共同共有).
    share = fields.DecimalField(max_digits=7, decimal_places=6, null=True)
    position = fields.SmallIntField()

    class Meta:
        table = "contract_buyer"
        indexes = (("party_id",),)
        unique_together = (("contract", "party"),)


class ContractLender(Model):
    """A lender the buyers chose (issue 14): one, or a BANK and a PROVIDENT_FUND for a combined
    loan (组合贷). `Contract.lender` is the first of them (position 0)."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="lenders", on_delete=fields.CASCADE
    )
    contract_id: int  # the column behind `contract`
    party: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="lending_contracts", on_delete=fields.RESTRICT
    )
    party_id: int  # the column behind `party`
    position = fields.SmallIntField()

    class Meta:
        table = "contract_lender"
        indexes = (("party_id",),)
        unique_together = (("contract", "party"),)


class ContractSeller(Model):
    """A resale's sellers: the holders of the ownership in force when it was drafted."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="sellers", on_delete=fields.CASCADE
    )
    contract_id: int  # the column behind `contract`
    party: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="resold_contracts", on_delete=fields.RESTRICT
    )
    party_id: int  # the column behind `party`
    # The seller's fraction of the home (按份共有); NULL when held jointly (共同共有).
    share = fields.DecimalField(max_digits=7, decimal_places=6, null=True)
    position = fields.SmallIntField()

    class Meta:
        table = "contract_seller"
        indexes = (("party_id",),)
        unique_together = (("contract", "party"),)


class Signature(Model):
    """A signature over one document: a contract, a registration application or a mortgage."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyNullableRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="signatures", null=True, on_delete=fields.CASCADE
    )
    contract_id: int | None  # the column behind `contract`
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        "onewindow.Registration", related_name="signatures", null=True, on_delete=fields.CASCADE
    )
    registration_id: int | None  # the column behind `registration`
    mortgage: fields.ForeignKeyNullableRelation[Mortgage] = fields.ForeignKeyField(
        "onewindow.Mortgage", related_name="signatures", null=True, on_delete=fields.CASCADE
    )
    mortgage_id: int | None  # the column behind `mortgage`
    signer: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="signatures", on_delete=fields.RESTRICT
    )
    signer_id: int  # the column behind `signer`
    signed_at = fields.DatetimeField(auto_now_add=True)
    method = fields.CharField(max_length=16)
    document_hash = fields.CharField(max_length=64)

    class Meta:
        table = "signature"
        indexes = (("contract_id",), ("registration_id",), ("mortgage_id",))


class FundDeposit(Model):
    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="deposits", on_delete=fields.RESTRICT
    )
    contract_id: int  # the column behind `contract`
    kind = fields.CharEnumField(FundKind, max_length=32)
    amount = money()
    bank_reference = fields.CharField(max_length=64)
    depositor: fields.ForeignKeyNullableRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="recorded_deposits", null=True, on_delete=fields.RESTRICT
    )
    depositor_id: int | None  # the column behind `depositor`
    deposited_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "fund_deposit"
        indexes = (("contract_id",),)
        unique_together = (("kind", "bank_reference"),)


class FundRefund(Model):
    """Supervised money paid back to the buyers after a withdrawn sale (退房退款)."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="refunds", on_delete=fields.RESTRICT
    )
    contract_id: int  # the column behind `contract`
    amount = money()
    bank_reference = fields.CharField(max_length=64, unique=True)
    refunder: fields.ForeignKeyNullableRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="recorded_refunds", null=True, on_delete=fields.RESTRICT
    )
    refunder_id: int | None  # the column behind `refunder`
    refunded_at = fields.DatetimeField()

    class Meta:
        table = "fund_refund"
        indexes = (("contract_id",),)
