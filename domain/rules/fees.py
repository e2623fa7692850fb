"""登记费 (DESIGN §7, defaults after 发改价格规〔2016〕2559号), free of I/O.

A residential registration costs one fee per application, a non-residential one another; an
ownership registration that issues more than one certificate (one for each co-owner who asks)
adds the 证书工本费 for each beyond the first. A registration proof (证明) carries no such
charge, and advance notices, cancellations, seizures, objections and corrections are free.
"""

from __future__ import annotations

from decimal import Decimal

from domain.enums import PropertyUsage, RegistrationKind
from domain.policy import FeeSchedule

NO_FEE = Decimal("0.00")

# Registrations that are charged; every other kind (预告, 注销, 查封, 异议, 更正, their releases) is free.
CHARGED = frozenset({RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER, RegistrationKind.MORTGAGE})
# Those whose certificate is an ownership certificate (权属证书): extra copies are charged.
OWNERSHIP = frozenset({RegistrationKind.FIRST_OWNERSHIP, RegistrationKind.TRANSFER})


def registration_fee(
    schedule: FeeSchedule, kind: RegistrationKind, usage: PropertyUsage, certificates: int = 1
) -> Decimal:
    """The fee of one application of `kind` on a property of `usage`, issuing `certificates`."""
    if certificates < 1:
        raise ValueError("a registration issues at least one certificate")
    if kind not in CHARGED:
        return NO_FEE
    fee = schedule.residential if usage == PropertyUsage.RESIDENTIAL else schedule.non_residential
    if kind in OWNERSHIP:
        fee += schedule.extra_certificate * (certificates - 1)
    return fee


def fee_outstanding(fee: Decimal, paid: list[Decimal]) -> Decimal:
    """What is still to pay (never below zero); the registration completes when it is zero."""
    return max(fee - sum(paid, NO_FEE), NO_FEE)
