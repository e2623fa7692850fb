"""Official numbers (DESIGN §2, §3): contract filing numbers and certificate numbers."""

from __future__ import annotations

from domain.enums import CertificateKind
from domain.policy import CountyPolicy

CERTIFICATE_WORDS = {
    CertificateKind.REGISTRATION_PROOF: "不动产证明",
    CertificateKind.OWNERSHIP_CERTIFICATE: "不动产权",
}


def contract_number(policy: CountyPolicy, year: int, sequence: int) -> str:
    return f"{policy.county_code}-{year}-{sequence:07d}"


def certificate_number(policy: CountyPolicy, kind: CertificateKind, year: int, sequence: int) -> str:
    """豫(2026)息县不动产证明第0000001号"""
    return f"{policy.province_abbreviation}({year}){policy.county_name}{CERTIFICATE_WORDS[kind]}第{sequence:07d}号"


def contract_sequence_name(year: int) -> str:
    return f"CONTRACT:{year}"


def certificate_sequence_name(kind: CertificateKind, year: int) -> str:
    return f"{kind.value}:{year}"
