from __future__ import annotations

import strawberry
from strawberry.types.nodes import SelectedField

from domain import models as m
from domain import visibility
from domain.documents.records import verify_certificate
from domain.enums import CertificateStatus
from domain.services.certificates import certificate_standing
from resolvers.context import Info
from resolvers.ids import from_global_id
from resolvers.inputs import RegistrationFilter, check_input, fits
from resolvers.pagination import Connection, paginate
from resolvers.permissions import signed_in_field, viewer_of
from resolvers.types.registrations import Certificate, CertificateVerification, Registration


async def _as_verified(info: Info, row: m.Certificate) -> Certificate | None:
    """The certificate as its verifier may see it: its own content always; the registration
    behind it only for who may read the register — to anyone else who asks for it, no
    certificate (its `registration` cannot be null)."""
    if row.registration_id in await visibility.visible_pks(info.context.viewer, m.Registration, [row.registration_id]):
        return Certificate.from_row(row)
    [verify] = info.selected_fields
    return None if selects(verify.selections, ("certificate", "registration")) else Certificate.from_row(row)


def selects(selections, path: tuple[str, ...]) -> bool:
    """Whether the selection (fragments included) asks for the field at `path`."""
    for selection in selections or ():
        if isinstance(selection, SelectedField):
            if selection.name == path[0] and (len(path) == 1 or selects(selection.selections, path[1:])):
                return True
        elif selects(selection.selections, path):  # a fragment spread or inline fragment
            return True
    return False


@strawberry.type
class RegistrationQuery:
    @signed_in_field
    async def registration(self, info: Info, number: str) -> Registration | None:
        if not fits(m.Registration, "number", number):
            return None
        row = await visibility.registrations(viewer_of(info), m.Registration.filter(number=number)).first()
        return Registration.from_row(row) if row else None

    @signed_in_field
    async def registrations(
        self, info: Info, first: int | None = None, after: str | None = None, filter: RegistrationFilter | None = None
    ) -> Connection[Registration]:
        query = visibility.registrations(viewer_of(info), m.Registration.all())
        if filter is not None:
            check_input(filter, ("filter",))
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
        number = number.strip()
        unknown = CertificateStatus.CANCELLED
        if not fits(m.Certificate, "number", number):
            return CertificateVerification(
                valid=False, certificate=None, reason="no certificate has this number", status=unknown
            )
        verification = await verify_certificate(info.context.services.keyring, number, content_hash)
        if verification.certificate is None:
            return CertificateVerification(valid=False, certificate=None, reason=verification.reason, status=unknown)
        row = verification.certificate
        status, successor_id = await certificate_standing(row.registration_id)
        return CertificateVerification(
            valid=verification.valid,
            certificate=await _as_verified(info, row),
            reason=verification.reason,
            status=status,
            superseded_by=await _visible_certificate(info, successor_id),
        )


async def _visible_certificate(info: Info, registration_id: int | None) -> Certificate | None:
    """The successor's certificate, only for a viewer who may see its registration (never anonymous)."""
    if registration_id is None or await info.context.loaders.registration.load(registration_id) is None:
        return None
    rows = await info.context.loaders.registration_certificate.load(registration_id)
    return Certificate.from_row(rows[0]) if rows else None
