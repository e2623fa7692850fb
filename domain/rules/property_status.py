"""Property.status from what stands on the property (DESIGN §1): the strongest fact wins."""

from __future__ import annotations

from domain.enums import PropertyStatus


def derive_status(ownership_in_force: bool, advance_notice_in_force: bool, contract_filed: bool) -> PropertyStatus:
    if ownership_in_force:
        return PropertyStatus.REGISTERED
    if advance_notice_in_force:
        return PropertyStatus.PRE_REGISTERED
    if contract_filed:
        return PropertyStatus.SOLD
    return PropertyStatus.AVAILABLE
