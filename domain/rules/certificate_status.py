"""Whether a certificate still stands (DESIGN §7): from its right's status and what replaced it."""
from __future__ import annotations

from domain.enums import CertificateStatus, RightStatus


def certificate_status(right_status: RightStatus, replaced: bool) -> CertificateStatus:
    """`replaced`: a later registration took the right over (`convertedTo`: the advance notice
    converted into ownership, a transfer, a correction). A right that ended with nothing in
    its place was cancelled (discharged, lapsed, 注销)."""
    if right_status == RightStatus.IN_FORCE:
        return CertificateStatus.CURRENT
    if right_status == RightStatus.HISTORIC and replaced:
        return CertificateStatus.SUPERSEDED
    if right_status in (RightStatus.HISTORIC, RightStatus.LAPSED):
        return CertificateStatus.CANCELLED
    raise ValueError(f"a right that is {right_status.value} has no certificate")
