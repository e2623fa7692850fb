"""A contract's lenders and their loans (issue 14 item 5, DESIGN §7 combined loan 组合贷). Pure.

A combined loan names exactly one BANK and one PROVIDENT_FUND; any other loan at most one
lender; a full payment none. The principals of the loans on one contract together stay within
the price less the down payment.

Organisations are registered on the platform by credit code and name only, so a lender's kind
is read from its unified social credit code (GB 32100): a housing provident fund centre
(住房公积金管理中心) is a public institution registered by the staffing authority (机构编制,
registration-authority code `1`, e.g. `12…` for 事业单位); a bank is an enterprise (`91…`).
A name naming the provident fund (公积金) counts as one too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from domain.enums import PaymentMethod
from domain.rules.validation import InvalidInput, first_repeat

LENDERS_FIELD = ["input", "lenders"]
LENDER_FIELD = ["input", "lenderIdNumber"]
PRINCIPAL_FIELD = ["input", "principal"]


class LenderKind(str, Enum):
    BANK = "BANK"
    PROVIDENT_FUND = "PROVIDENT_FUND"


@dataclass(frozen=True)
class LenderFacts:
    id_number: str  # the unified social credit code, validated
    name: str


def lender_kind(lender: LenderFacts) -> LenderKind:
    if lender.id_number[:1] == "1" or "公积金" in lender.name:
        return LenderKind.PROVIDENT_FUND
    return LenderKind.BANK


def chosen_lenders(lender_id_number: str | None, lenders: Sequence[str]) -> tuple[list[str], list[str]]:
    """The credit codes the input names, in order, and the field that named them: `lenders`
    when given (then `lenderIdNumber`, if also given, must be their first), else the one
    `lenderIdNumber`."""
    given = [code.strip() for code in lenders]
    if not given:
        return ([lender_id_number] if lender_id_number else []), LENDER_FIELD
    if lender_id_number and lender_id_number.strip().upper() != given[0].upper():
        raise InvalidInput("lenderIdNumber, given with lenders, must be the first of them", LENDER_FIELD)
    return given, LENDERS_FIELD


def lenders_refusal(
    payment_method: PaymentMethod, lenders: Sequence[LenderFacts], field: list[str] = LENDERS_FIELD
) -> InvalidInput | None:
    """Why these lenders do not fit the payment method, naming `field` (the input field that
    named them, see `chosen_lenders`); None when they do."""
    repeat = first_repeat([lender.id_number for lender in lenders])
    if repeat is not None:
        return InvalidInput("this lender is named twice", [*LENDERS_FIELD, str(repeat)])
    if payment_method == PaymentMethod.COMBINED_LOAN:
        if len(lenders) != 2:
            return InvalidInput(
                f"a combined loan (组合贷) names two lenders, a bank and a provident fund centre; {len(lenders)} given",
                LENDERS_FIELD,
            )
        kinds = [lender_kind(lender) for lender in lenders]
        if set(kinds) != {LenderKind.BANK, LenderKind.PROVIDENT_FUND}:
            twice = kinds[0].value.lower().replace("_", " ")
            return InvalidInput(
                f"a combined loan names one bank and one provident fund centre, not two of kind {twice}",
                [*LENDERS_FIELD, "1"],
            )
        return None
    if payment_method == PaymentMethod.FULL_PAYMENT and lenders:
        return InvalidInput("a full payment has no lender", field)
    if len(lenders) > 1:
        return InvalidInput("only a combined loan (COMBINED_LOAN) names more than one lender", field)
    return None


def principal_refusal(
    principal: Decimal, price: Decimal, down_payment: Decimal, other_principals: Sequence[Decimal]
) -> InvalidInput | None:
    """The loans on one contract together lend at most the price less the down payment."""
    limit = price - down_payment
    others = sum(other_principals, Decimal("0"))
    if principal + others > limit:
        if not other_principals:
            return InvalidInput(f"must not exceed the price less the down payment ({limit})", PRINCIPAL_FIELD)
        return InvalidInput(
            f"with the other loan on this contract ({others}) it must not exceed the price less the "
            f"down payment ({limit}): at most {max(limit - others, Decimal('0'))}",
            PRINCIPAL_FIELD,
        )
    return None
