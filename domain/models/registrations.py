from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from domain.enums import (
    CertificateKind,
    Decider,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
)
from domain.models._fields import money

if TYPE_CHECKING:
    from domain.models.contracts import Contract
    from domain.models.mortgages import Mortgage
    from domain.models.parties import Party
    from domain.models.permits import Property


class Registration(Model):
    """One registration (登记) and the right it creates."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True, null=True)
    kind = fields.CharEnumField(RegistrationKind, max_length=32)
    status = fields.CharEnumField(RegistrationStatus, max_length=32, db_index=True)
    right_status = fields.CharEnumField(RightStatus, max_length=16, default=RightStatus.PENDING, db_index=True)
    property: fields.ForeignKeyRelation[Property] = fields.ForeignKeyField(
        "onewindow.Property", related_name="registrations", on_delete=fields.RESTRICT
    )
    property_id: int  # the column behind `property`
    contract: fields.ForeignKeyNullableRelation[Contract] = fields.ForeignKeyField(
        "onewindow.Contract", related_name="registrations", null=True, on_delete=fields.RESTRICT
    )
    contract_id: int | None  # the column behind `contract`
    mortgage: fields.ForeignKeyNullableRelation[Mortgage] = fields.ForeignKeyField(
        "onewindow.Mortgage", related_name="registrations", null=True, on_delete=fields.RESTRICT
    )
    mortgage_id: int | None  # the column behind `mortgage`
    application_form: dict[str, Any] = fields.JSONField(default=dict)
    converted_from: fields.OneToOneNullableRelation[Registration] = fields.OneToOneField(
        "onewindow.Registration",
        related_name="converted_to",
        null=True,
        on_delete=fields.RESTRICT,
    )
    converted_from_id: int | None  # the column behind `converted_from`
    # A seizure's end date (查封期限); NULL for rights without one.
    effective_until = fields.DateField(null=True)
    decided_by = fields.CharEnumField(Decider, max_length=16, null=True)
    # A cancellation's target right (注销登记); NULL for every other kind.
    cancels: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        "onewindow.Registration", related_name="cancelled_by", null=True, on_delete=fields.RESTRICT
    )
    cancels_id: int | None  # the column behind `cancels`
    # A person's decision (DESIGN §7): why, and who; the instant decision leaves these NULL.
    decision_reason = fields.TextField(null=True)
    decider_subject = fields.CharField(max_length=128, null=True)
    decided_at = fields.DatetimeField(null=True)
    # An objection kept in force by a lawsuit (民法典 220): the court's case number.
    lawsuit_case_number = fields.CharField(max_length=100, null=True)
    # 登记费 from the schedule when the registration was created (DESIGN §7); 0 for the free kinds.
    fee = money(default=Decimal("0.00"))
    created_at = fields.DatetimeField(auto_now_add=True)
    submitted_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "registration"
        indexes = (("property_id", "kind", "right_status"), ("contract_id",), ("mortgage_id",), ("cancels_id",))


class RegistrationParty(Model):
    """Right holders and applicants of a registration, with each applicant's inquiry answer."""

    id = fields.IntField(primary_key=True)
    registration: fields.ForeignKeyRelation[Registration] = fields.ForeignKeyField(
        "onewindow.Registration", related_name="parties", on_delete=fields.CASCADE
    )
    registration_id: int  # the column behind `registration`
    party: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="registration_roles", on_delete=fields.RESTRICT
    )
    party_id: int  # the column behind `party`
    role = fields.CharEnumField(RegistrationPartyRole, max_length=16)
    position = fields.SmallIntField(default=0)
    # The applicant's answer to the registrar's inquiry (询问), once given.
    inquiry_answer: dict[str, Any] | None = fields.JSONField(null=True)

    class Meta:
        table = "registration_party"
        indexes = (("party_id", "role"),)
        unique_together = (("registration", "party", "role"),)


class RuleCheck(Model):
    id = fields.IntField(primary_key=True)
    registration: fields.ForeignKeyRelation[Registration] = fields.ForeignKeyField(
        "onewindow.Registration", related_name="checks", on_delete=fields.CASCADE
    )
    registration_id: int  # the column behind `registration`
    rule = fields.CharField(max_length=64)
    passed = fields.BooleanField()
    message = fields.TextField()
    position = fields.SmallIntField()

    class Meta:
        table = "rule_check"
        indexes = (("registration_id",),)


class Certificate(Model):
    """A signed certificate or proof (不动产权证书 / 不动产登记证明)."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True)
    kind = fields.CharEnumField(CertificateKind, max_length=32)
    registration: fields.OneToOneRelation[Registration] = fields.OneToOneField(
        "onewindow.Registration", related_name="certificate", on_delete=fields.RESTRICT
    )
    registration_id: int  # the column behind `registration`
    issued_at = fields.DatetimeField()
    content: dict[str, Any] = fields.JSONField()
    content_hash = fields.CharField(max_length=64)
    signature = fields.TextField()
    signing_key_id = fields.CharField(max_length=64)

    class Meta:
        table = "certificate"


class FeePayment(Model):
    """One payment of a registration's fee (登记费缴费), recorded with its voucher."""

    id = fields.IntField(primary_key=True)
    registration: fields.ForeignKeyRelation[Registration] = fields.ForeignKeyField(
        "onewindow.Registration", related_name="fee_payments", on_delete=fields.RESTRICT
    )
    registration_id: int  # the column behind `registration`
    amount = money()
    voucher_number = fields.CharField(max_length=64, unique=True)
    paid_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyNullableRelation[Party] = fields.ForeignKeyField(
        "onewindow.Party", related_name="recorded_fee_payments", null=True, on_delete=fields.RESTRICT
    )
    recorded_by_id: int | None  # the column behind `recorded_by`; NULL for registrar staff

    class Meta:
        table = "fee_payment"
        indexes = (("registration_id",),)
