from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.enums import MortgageStatus
from domain.models._fields import money

if TYPE_CHECKING:
    from domain.models.contracts import Contract
    from domain.models.parties import Party
    from domain.models.permits import Property


class Mortgage(Model):
    id = fields.IntField(primary_key=True)
    property: fields.ForeignKeyRelation[Property] = fields.ForeignKeyField(
        "onewindow.Property", related_name="mortgages", on_delete=fields.RESTRICT
    )
    property_id: int  # the column behind `property`
    contract: fields.ForeignKeyNullableRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="mortgages", null=True, on_delete=fields.RESTRICT
    )
    contract_id: int | None  # the column behind `contract`
    lender: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="lent_mortgages", on_delete=fields.RESTRICT
    )
    lender_id: int  # the column behind `lender`
    principal = money()
    term_months = fields.IntField()
    status = fields.CharEnumField(MortgageStatus, max_length=32, default=MortgageStatus.APPROVED)
    approved_at = fields.DatetimeField(auto_now_add=True)
    # 带押过户 (DESIGN §7): the resale this mortgage's lender consented to; it stays in force through it.
    transfer_consent_contract: fields.ForeignKeyNullableRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="transfer_consents", null=True, on_delete=fields.RESTRICT
    )
    transfer_consent_contract_id: int | None  # the column behind `transfer_consent_contract`
    transfer_consented_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mortgage"
        indexes = (("contract_id",), ("lender_id",), ("property_id",), ("transfer_consent_contract_id",))


class MortgageBorrower(Model):
    id = fields.IntField(primary_key=True)
    mortgage: fields.ForeignKeyRelation[Mortgage] = fields.ForeignKeyField(
        "onewindow.Mortgage", related_name="borrowers", on_delete=fields.CASCADE
    )
    mortgage_id: int  # the column behind `mortgage`
    party: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="borrowed_mortgages", on_delete=fields.RESTRICT
    )
    party_id: int  # the column behind `party`
    position = fields.SmallIntField()

    class Meta:
        table = "mortgage_borrower"
        indexes = (("party_id",),)
        unique_together = (("mortgage", "party"),)
