from tortoise import fields
from tortoise.models import Model

from domain.enums import MortgageStatus
from domain.models._fields import money


class Mortgage(Model):
    id = fields.IntField(primary_key=True)
    property = fields.ForeignKeyField(
        "onewindow.Property", related_name="mortgages", on_delete=fields.RESTRICT
    )
    contract = fields.ForeignKeyField(
        "onewindow.Contract", related_name="mortgages", null=True, on_delete=fields.RESTRICT
    )
    lender = fields.ForeignKeyField(
        "onewindow.Party", related_name="lent_mortgages", on_delete=fields.RESTRICT
    )
    principal = money()
    term_months = fields.IntField()
    status = fields.CharEnumField(MortgageStatus, max_length=32, default=MortgageStatus.APPROVED)
    approved_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mortgage"
        indexes = (("contract_id",), ("lender_id",), ("property_id",))


class MortgageBorrower(Model):
    id = fields.IntField(primary_key=True)
    mortgage = fields.ForeignKeyField(
        "onewindow.Mortgage", related_name="borrowers", on_delete=fields.CASCADE
    )
    party = fields.ForeignKeyField(
        "onewindow.Party", related_name="borrowed_mortgages", on_delete=fields.RESTRICT
    )
    position = fields.SmallIntField()

    class Meta:
        table = "mortgage_borrower"
        indexes = (("party_id",),)
        unique_together = (("mortgage", "party"),)
