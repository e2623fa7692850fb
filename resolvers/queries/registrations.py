from __future__ import annotations

import strawberry

from domain import models as m
from domain import visibility
from domain.enums import CertificateStatus
from domain.services.certificates import certificate_standing
from resolvers.context import Info
from resolvers.ids import from_global_id
from resolvers.inputs import RegistrationFilter
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.registrations import Certificate, CertificateVerification, Registration


@strawberry.type
class RegistrationQuery:
    @signed_in_field
    async def registration(self, info: Info, number: str) -> Registration | None:
        row = await visibility.registrations(viewer_of(info), m.Registration.filter(number=number)).first()
        return Registration.from_row(row) if row else None

    @signed_in_field
    async def registrations(
        self, info: Info, first: int | None = None, after: str | None = None, filter: RegistrationFilter | None = None
    ) -> Connection[Registration]:
        query = visibility.registrations(viewer_of(info), m.Registration.all())
        if filter is not None:
            if filter.kind is not None:
                query = query.filter(kind=filter.kind)
            if filter.status is not None:
                query = query.filter(status=filter.status)
            if filter.property_id is not None:
                decoded = from_global_id(filter.property_id)
                query = query.filter(property_id=decoded[1] if decoded and decoded[0] == "Property" else -1)
        return await paginate(query, first, after, Registration.from_row)

    @strawberry.field(description="Public: anyone holding a certificate may check it")
    async def verify_certificate(self, info: Info, number: str, content_hash: str) -> CertificateVerification:
        row = await m.Certificate.get_or_none(number=number.strip())
        unknown = CertificateStatus.CANCELLED
        if row is None:
            return CertificateVerification(valid=False, certificate=None, reason="no certificate has this number", status=unknown)
        if content_hash.strip().lower() != row.content_hash:
            return CertificateVerification(valid=False, certificate=None, reason="the content hash is not this certificate's",
                                           status=unknown)
        reason = info.context.services.keyring.verify(row.content, row.content_hash, row.signature, row.signing_key_id)
        certificate = Certificate.from_row(row)
        status, successor_id = await certificate_standing(row.registration_id)
        return CertificateVerification(valid=reason is None, certificate=certificate, reason=reason, status=status,
                                       superseded_by=await _visible_certificate(info, successor_id))


async def _visible_certificate(info: Info, registration_id: int | None) -> Certificate | None:
    """The successor's certificate, only for a viewer who may see its registration (never anonymous)."""
    if registration_id is None or await info.context.loaders.registration.load(registration_id) is None:
        return None
    rows = await info.context.loaders.registration_certificate.load(registration_id)
    return Certificate.from_row(rows[0]) if rows else None
