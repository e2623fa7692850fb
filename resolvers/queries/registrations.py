from __future__ import annotations

import strawberry

from domain import models as m
from domain import visibility
from domain.documents.records import verify_certificate
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
        verification = await verify_certificate(info.context.services.keyring, number, content_hash)
        certificate = Certificate.from_row(verification.certificate) if verification.certificate else None
        return CertificateVerification(valid=verification.valid, certificate=certificate, reason=verification.reason)
