"""Whether a certificate still describes the register (DESIGN §7)."""

from __future__ import annotations

from domain.enums import CertificateStatus, RightStatus


def certificate_status(right_status: RightStatus, replaced: bool) -> CertificateStatus:
    """CURRENT while its right is in force; SUPERSEDED when a later registration replaced the
    right (transfer, conversion, correction); CANCELLED when the right ended without a
    successor (cancelled, discharged, lapsed)."""
    if right_status == RightStatus.IN_FORCE:
        return CertificateStatus.CURRENT
    if replaced:
        return CertificateStatus.SUPERSEDED
    return CertificateStatus.CANCELLED
