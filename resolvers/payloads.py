"""Mutation payloads: the result, or `userErrors` naming what was wrong (never a raise)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import strawberry

from domain import visibility
from domain.errors import DomainError
from resolvers.context import Info
from resolvers.enums import ErrorCode
from resolvers.types.contracts import Contract, FundDeposit, FundRefund
from resolvers.types.mortgages import Mortgage
from resolvers.types.parties import Party
from resolvers.types.permits import PresalePermit
from resolvers.types.registrations import FeePayment, Registration
from resolvers.types.tax import TaxRecord


@strawberry.type(
    description="A problem with a mutation's input or with the state it acts on. Mutations never raise for these."
)
class UserError:
    code: ErrorCode
    field: list[str] | None = strawberry.field(
        description=(
            'Path into the mutation input, e.g. ["input", "buyers", "0", "idNumber"]; null when not tied to one field'
        )
    )
    message: str

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=error.field, message=error.message)


@strawberry.type
class RegisterOrganizationPayload:
    party: Party | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IssuePresalePermitPayload:
    permit: PresalePermit | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DraftContractPayload:
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReviseContractPayload:
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SignContractPayload:
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordFundDepositPayload:
    deposit: FundDeposit | None = None
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class FileContractPayload:
    contract: Contract | None = None
    advance_registration: Registration | None = strawberry.field(
        default=None, description="The advance notice application generated from the filed contract"
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CancelContractPayload:
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SubmitRegistrationPayload:
    registration: Registration | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AssessSellerTaxesPayload:
    tax_records: list[TaxRecord] | None = strawberry.field(
        default=None, description="One VAT and one INDIVIDUAL_INCOME_TAX record per seller"
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ApplyTransferRegistrationPayload:
    registration: Registration | None = strawberry.field(
        default=None, description="The TRANSFER application every seller and buyer signs (signRegistration)"
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AssessDeedTaxPayload:
    tax_records: list[TaxRecord] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordTaxPaymentPayload:
    tax_record: TaxRecord | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordFeePaymentPayload:
    registration: Registration | None = None
    fee_payment: FeePayment | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MortgagePayload:
    mortgage: Mortgage | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordCompletionAcceptancePayload:
    permit: PresalePermit | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ApplyFirstRegistrationPayload:
    registrations: list[Registration] | None = strawberry.field(
        default=None, description="One FIRST_OWNERSHIP registration per property of the permit"
    )
    transfers: list[Registration] | None = strawberry.field(
        default=None,
        description="TRANSFER registrations completed at once for pre-registered properties whose tax is paid",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError.from_domain(error)]


N = TypeVar("N")
OWNER = TypeVar("OWNER")


async def shown(info: Info, row: Any, node_type: type[N]) -> N | None:
    """The payload's object if the viewer may see it, else null (the one rule of DESIGN §1)."""
    if row is None:
        return None
    return node_type.from_row(row) if await visibility.visible_rows(info.context.viewer, [row]) else None


async def shown_all(info: Info, rows: Iterable[Any], node_type: type[N]) -> list[N]:
    """Those of the payload's objects the viewer may see, in order."""
    return [node_type.from_row(r) for r in await visibility.visible_rows(info.context.viewer, rows)]


async def shown_with_owner(
    info: Info, row: Any, node_type: type[N], owner: Any, owner_type: type[OWNER]
) -> tuple[N | None, OWNER | None]:
    """A payload's object and the object it belongs to (a deposit and its contract): one
    check, as the first is visible exactly when the second is (`visibility.BELONGS_TO`)."""
    column, owner_model = visibility.BELONGS_TO[type(row)]
    assert type(owner) is owner_model and getattr(row, column) == owner.pk, "the row belongs to another object"
    if not await visibility.visible_rows(info.context.viewer, [owner]):
        return None, None
    return node_type.from_row(row), owner_type.from_row(owner)


@strawberry.type
class RecordFundRefundPayload:
    refund: FundRefund | None = None
    contract: Contract | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
