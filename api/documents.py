"""Documents over plain HTTP: certificate, contract and application PDFs, the public verification page
(the certificate's QR code points to it) and the electronic archive.

PDFs and archives need a bearer token, as /graphql does, and show only what the viewer may
see (DESIGN §1): a document the viewer may not see answers 404, as if it did not exist.
A PDF takes a few hundred milliseconds of CPU (font subsetting; the first one also parses the
font): it is laid out in a thread, so the event loop keeps serving meanwhile.
"""

from __future__ import annotations

import asyncio
import html
import os
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from api.auth import AuthenticationError, PartyIdCache, TokenVerifier, bearer_token, viewer_from_claims
from api.pdf import TITLE, application_pdf, certificate_pdf, contract_pdf, shanghai_date
from domain import archive
from domain.documents.records import (
    CertificateRecord,
    Verification,
    public_record,
    verify_certificate,
    visible_application,
    visible_certificate,
    visible_contract,
)
from domain.enums import Role
from domain.viewer import Viewer
from resolvers.context import Services
from resolvers.ids import from_global_id

# The page is the platform's own: nothing from another host, no script.
_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def public_base_url(request: Request) -> str:
    """Where the verification page is reached from outside: ONEWINDOW_PUBLIC_URL behind a proxy."""
    return (os.environ.get("ONEWINDOW_PUBLIC_URL") or str(request.base_url)).rstrip("/")


def verification_url(base: str, number: str, content_hash: str) -> str:
    return f"{base}/verify?{urlencode({'number': number, 'hash': content_hash})}"


def _problem(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


NOT_FOUND = ("NOT_FOUND", "no such document")


@dataclass
class DocumentRoutes:
    services: Services
    verifier: TokenVerifier
    party_ids: PartyIdCache

    def routes(self) -> list[Route]:
        return [
            Route("/certificates/{number}.pdf", self.certificate, methods=["GET"]),
            Route("/contracts/{id}.pdf", self.contract, methods=["GET"]),
            Route("/registrations/{id}.pdf", self.application, methods=["GET"]),
            Route("/verify", self.verify, methods=["GET"]),
            Route("/archive/{unit_code}.zip", self.archive, methods=["GET"]),
        ]

    async def _viewer(self, request: Request) -> Viewer | Response:
        try:
            token = bearer_token(request.headers.get("authorization"))
            if token is None:
                return _problem(401, "UNAUTHENTICATED", "sign in: send Authorization: Bearer <token>")
            return await viewer_from_claims(self.verifier.claims(token), self.party_ids)
        except AuthenticationError as error:
            return _problem(401, "UNAUTHENTICATED", str(error))

    async def certificate(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if isinstance(viewer, Response):
            return viewer
        record = await visible_certificate(viewer, request.path_params["number"])
        if record is None:
            return _problem(404, *NOT_FOUND)
        url = verification_url(public_base_url(request), record.certificate.number, record.certificate.content_hash)
        return _pdf(await asyncio.to_thread(certificate_pdf, record, url))

    async def contract(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if isinstance(viewer, Response):
            return viewer
        decoded = from_global_id(request.path_params["id"])
        record = await visible_contract(viewer, decoded[1]) if decoded and decoded[0] == "Contract" else None
        if record is None:
            return _problem(404, *NOT_FOUND)
        return _pdf(await asyncio.to_thread(contract_pdf, record))

    async def application(self, request: Request) -> Response:
        """不动产登记申请书: what the applicants sign (`Registration.text`), laid out."""
        viewer = await self._viewer(request)
        if isinstance(viewer, Response):
            return viewer
        decoded = from_global_id(request.path_params["id"])
        record = await visible_application(viewer, decoded[1]) if decoded and decoded[0] == "Registration" else None
        if record is None:
            return _problem(404, *NOT_FOUND)
        return _pdf(await asyncio.to_thread(application_pdf, record))

    async def archive(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if isinstance(viewer, Response):
            return viewer
        if viewer.role != Role.REGISTRAR:
            return _problem(403, "FORBIDDEN", "only the registration centre (REGISTRAR) exports the electronic archive")
        unit_code = request.path_params["unit_code"]
        data = await archive.export_archive(unit_code, archive_context(self.services, public_base_url(request)))
        if data is None:
            return _problem(404, "NOT_FOUND", "no property has this unit code")
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{unit_code}.zip"'},
        )

    async def verify(self, request: Request) -> Response:
        number, content_hash = request.query_params.get("number", ""), request.query_params.get("hash", "")
        result = await verify_certificate(self.services.keyring, number, content_hash)
        record = await public_record(result.certificate) if result.certificate else None
        return HTMLResponse(
            verification_page(result, record, number), headers={"Content-Security-Policy": _PAGE_POLICY}
        )


def archive_context(services: Services, base_url: str) -> archive.ExportContext:
    return archive.ExportContext(
        keyring=services.keyring,
        now=services.clock.now(),
        certificate_pdf=lambda record: certificate_pdf(
            record, verification_url(base_url, record.certificate.number, record.certificate.content_hash)
        ),
    )


def _pdf(data: bytes) -> Response:
    return Response(data, media_type="application/pdf", headers={"Cache-Control": "no-store"})


def verification_page(result: Verification, record: CertificateRecord | None, number: str) -> str:
    """Valid or not, and the certificate's standing: kind, number, unit code, date, masked holders."""
    e = html.escape
    if record is None:
        verdict, rows = "无效 INVALID", [("原因 Reason", result.reason or "")]
    else:
        content = record.certificate.content
        verdict = "有效 VALID" if result.valid else "无效 INVALID"
        rows = [
            ("状态 Status", record.status.value),
            ("种类 Kind", f"{TITLE[record.certificate.kind]} {record.certificate.kind.value}"),
            ("证号 Number", record.certificate.number),
            ("不动产单元号 Unit code", content.get("property", {}).get("unitCode", "")),
            ("登簿日期 Date", shanghai_date(content["issuedAt"])),
            ("权利人 Holders", "；".join(f"{h.name}（{h.id_number}）" for h in record.holders)),
        ]
        if not result.valid:
            rows.insert(0, ("原因 Reason", result.reason or ""))
    ids = {
        "状态 Status": "status",
        "原因 Reason": "reason",
        "证号 Number": "number",
        "权利人 Holders": "holders",
        "不动产单元号 Unit code": "unit-code",
        "种类 Kind": "kind",
        "登簿日期 Date": "date",
    }
    body = "".join(f'<tr><th>{e(k)}</th><td id="{ids[k]}">{e(v)}</td></tr>' for k, v in rows)
    valid = "true" if result.valid else "false"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>不动产登记电子证照核验 {e(number)}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}}
h1{{font-size:1.3rem}}#verdict{{font-size:1.6rem;font-weight:bold}}#verdict[data-valid=true]{{color:#1a7f37}}
#verdict[data-valid=false]{{color:#b42318}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #ccc;padding:.5rem;text-align:left;vertical-align:top}}
th{{background:#f5f5f5;width:11rem}}</style>
</head><body><h1>不动产登记电子证照核验 Certificate verification</h1>
<p id="verdict" data-valid="{valid}">{e(verdict)}</p><table>{body}</table></body></html>"""
