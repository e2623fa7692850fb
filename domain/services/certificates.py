"""Issuing signed certificates inside the registration's transaction."""
from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.canonical import to_jsonable
from domain.enums import CertificateKind
from domain.models import Certificate, Party, Property, Registration
from domain.rules.numbering import certificate_number, certificate_sequence_name
from domain.services.context import UseCase
from domain.services.sequences import next_value


async def issue_certificate(
    conn: BaseDBAsyncClient,
    use_case: UseCase,
    registration: Registration,
    kind: CertificateKind,
    holders: list[Party],
    prop: Property,
    extra: dict | None = None,
) -> Certificate:
    """Number the registration, and sign a certificate of what it records."""
    now = use_case.now()
    year = use_case.today().year
    number = certificate_number(use_case.policy, kind, year, await next_value(conn, certificate_sequence_name(kind, year)))
    registration.number = number
    content = {
        "number": number,
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
    content = to_jsonable(content)
    signed = use_case.keyring.sign(content)
    return await Certificate.create(
        number=number,
        kind=kind,
        registration=registration,
        issued_at=now,
        content=content,
        content_hash=signed.content_hash,
        signature=signed.signature,
        signing_key_id=signed.signing_key_id,
        using_db=conn,
    )
