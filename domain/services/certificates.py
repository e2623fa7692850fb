"""Numbering and signing certificates inside the registration's unit of work."""

from __future__ import annotations

from typing import Any

from domain import sql
from domain.canonical import to_jsonable
from domain.enums import CertificateKind, CertificateStatus
from domain.models import Certificate, Party, Property, Registration
from domain.rules.certificate_status import certificate_status
from domain.rules.numbering import certificate_number, certificate_sequence_name
from domain.services.context import UseCase
from domain.unit_of_work import UnitOfWork

_COLUMNS = ("number", "kind", "registration_id", "issued_at", "content", "content_hash", "signature", "signing_key_id")


async def certificate_numbers(uow: UnitOfWork, use_case: UseCase, kind: CertificateKind, count: int) -> list[str]:
    """The next `count` numbers of the county-wide counter: a hot row, locked until commit, so taken last."""
    year = use_case.today().year
    values = await uow.next_values(certificate_sequence_name(kind, year), count)
    return [certificate_number(use_case.policy, kind, year, v) for v in values]


def signed_certificate(
    use_case: UseCase,
    registration: Registration,
    kind: CertificateKind,
    holders: list[Party],
    prop: Property,
    extra: dict[str, Any] | None = None,
) -> Certificate:
    """The certificate of what a numbered registration records, signed, not yet saved."""
    now = use_case.now()
    content = to_jsonable(
        {
            "number": registration.number,
            "kind": kind.value,
            "registrationKind": registration.kind.value,
            "authority": f"{use_case.policy.county_name}不动产登记中心",
            "issuedAt": now,
            "property": {
                "unitCode": prop.unit_code,
                "address": prop.address,
                "buildingArea": prop.building_area,
                "usage": prop.usage.value,
            },
            "holders": [{"name": h.name, "idNumber": h.id_number} for h in holders],
            **(extra or {}),
        }
    )
    signed = use_case.keyring.sign(content)
    return Certificate(
        number=registration.number,
        kind=kind,
        registration_id=registration.id,
        issued_at=now,
        content=content,
        content_hash=signed.content_hash,
        signature=signed.signature,
        signing_key_id=signed.signing_key_id,
    )


def certificate_inserts(certificates: list[Certificate]) -> list[sql.Statement]:
    return sql.insert_many(Certificate, [{name: getattr(c, name) for name in _COLUMNS} for c in certificates])


async def issue_certificate(
    uow: UnitOfWork,
    use_case: UseCase,
    registration: Registration,
    kind: CertificateKind,
    holders: list[Party],
    prop: Property,
    extra: dict[str, Any] | None = None,
) -> Certificate:
    """Number the registration and write its signed certificate (with the commit)."""
    [registration.number] = await certificate_numbers(uow, use_case, kind, 1)
    certificate = signed_certificate(use_case, registration, kind, holders, prop, extra)
    await uow.write(*certificate_inserts([certificate]))
    return certificate


async def certificate_standing(registration_id: int) -> tuple[CertificateStatus, int | None]:
    """Whether a certificate still describes the register, and the registration that replaced
    its right, if one did (read whatever the viewer may see: the status is the certificate's own)."""
    registration = await Registration.get(id=registration_id)
    successor = sql.ints(await Registration.filter(converted_from_id=registration.id).values_list("id", flat=True))
    return certificate_status(registration.right_status, bool(successor)), (successor[0] if successor else None)
