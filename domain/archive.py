"""The electronic archive of one property (电子档案): export, and the offline check.

A zip of:
- `records/*.json`: every record of the property (the property and its permit, contracts with
  buyers, signatures and deposits, registrations with parties and checks, tax records,
  mortgages, the parties they name);
- `events.jsonl`: each event about it, in full, with `previousHash` and `hash`: its hash is
  checked offline as `sha256(previousHash + canonical event)`;
- `links.jsonl`: (seq, previousHash, hash) of every event of the county's log from the
  property's first event to the log head at export, so the property's events are shown to sit
  in one unbroken chain up to that head (other events' contents are not included);
- `certificates/<number>.json` and `.pdf`: each certificate as signed, and as printed;
- `keys/<key id>.pem`: the authority's public keys;
- `manifest.json`: SHA-256 of every other file, and the log head; `manifest.sig`: the
  authority's signature over the manifest's SHA-256.

`verify_archive` needs no database: a changed byte in any file is found and the file named.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from domain.canonical import canonical_hash, canonical_json, to_jsonable
from domain.certificates import KeyRing, VerifyKey, load_verify_key, public_key_pem, verify_hash
from domain.documents.records import CertificateRecord, certificates_of_property
from domain.enums import Role
from domain.eventlog import canonical_event, chain_hash, event_refs
from domain.models import (
    Certificate,
    Contract,
    ContractBuyer,
    ContractLender,
    Event,
    EventLogHead,
    FundDeposit,
    Mortgage,
    MortgageBorrower,
    Party,
    Permit,
    Property,
    Registration,
    RegistrationParty,
    RuleCheck,
    Signature,
    TaxRecord,
)
from domain.viewer import Viewer

FORMAT = "onewindow-archive/1"
MANIFEST, MANIFEST_SIG = "manifest.json", "manifest.sig"
_LINK_BATCH = 5000


@dataclass(frozen=True)
class ExportContext:
    keyring: KeyRing
    now: datetime
    certificate_pdf: Callable[[CertificateRecord], bytes]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A JSON object as read from, or written to, the archive.
Json = dict[str, Any]


def _json_bytes(value: object) -> bytes:
    return (json.dumps(to_jsonable(value), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


async def _rows(query: QuerySet[Any]) -> list[Json]:
    return [to_jsonable(row) for row in await query.order_by("id").values()]


async def export_archive(unit_code: str, context: ExportContext) -> bytes | None:
    """The archive of the property with this unit code, or None when there is none."""
    prop = await Property.get_or_none(unit_code=unit_code)
    if prop is None:
        return None
    contracts = await _rows(Contract.filter(property_id=prop.id))
    contract_ids = [c["id"] for c in contracts]
    registrations = await _rows(Registration.filter(property_id=prop.id))
    registration_ids = [r["id"] for r in registrations]
    mortgages = await _rows(Mortgage.filter(property_id=prop.id))
    mortgage_ids = [m["id"] for m in mortgages]
    tax_records = await _rows(TaxRecord.filter(contract_id__in=contract_ids))
    records: dict[str, Any] = {
        "property": (await _rows(Property.filter(id=prop.id)))[0],
        "permit": (await _rows(Permit.filter(id=prop.permit_id))) if prop.permit_id else [],
        "contracts": contracts,
        "contractBuyers": await _rows(ContractBuyer.filter(contract_id__in=contract_ids)),
        "contractLenders": await _rows(ContractLender.filter(contract_id__in=contract_ids)),
        "fundDeposits": await _rows(FundDeposit.filter(contract_id__in=contract_ids)),
        "registrations": registrations,
        "registrationParties": await _rows(RegistrationParty.filter(registration_id__in=registration_ids)),
        "ruleChecks": await _rows(RuleCheck.filter(registration_id__in=registration_ids)),
        "taxRecords": tax_records,
        "mortgages": mortgages,
        "mortgageBorrowers": await _rows(MortgageBorrower.filter(mortgage_id__in=mortgage_ids)),
        "signatures": await _rows(Signature.filter(contract_id__in=contract_ids))
        + await _rows(Signature.filter(registration_id__in=registration_ids))
        + await _rows(Signature.filter(mortgage_id__in=mortgage_ids)),
    }
    party_ids = (
        {c["seller_id"] for c in contracts}
        | {c["lender_id"] for c in contracts if c["lender_id"]}
        | {
            r["party_id"]
            for r in records["contractBuyers"]
            + records["contractLenders"]
            + records["registrationParties"]
            + records["mortgageBorrowers"]
        }
        | {t["taxpayer_id"] for t in tax_records}
        | {m["lender_id"] for m in mortgages}
    )
    records["parties"] = await _rows(Party.filter(id__in=list(party_ids)))

    files: dict[str, bytes] = {f"records/{name}.json": _json_bytes(value) for name, value in records.items()}
    events = await Event.filter(
        _about(prop.id, contract_ids, registration_ids, mortgage_ids, [t["id"] for t in tax_records])
    ).order_by("seq")
    files["events.jsonl"] = b"".join(
        _line(
            {
                "seq": e.seq,
                "type": e.type,
                "occurredAt": e.occurred_at,
                "refs": event_refs(e),
                "payload": e.payload,
                "previousHash": e.previous_hash,
                "hash": e.hash,
            }
        )
        for e in events
    )
    head = await EventLogHead.get(id=1)
    files["links.jsonl"] = await _links(events[0].seq if events else head.last_seq + 1, head.last_seq)

    registrar = Viewer(subject="system:archive", role=Role.REGISTRAR)
    for record in await certificates_of_property(prop.id, registrar):
        certificate = record.certificate
        files[f"certificates/{certificate.number}.json"] = _json_bytes(
            certificate_json(certificate, record.registration.number)
        )
        files[f"certificates/{certificate.number}.pdf"] = await asyncio.to_thread(context.certificate_pdf, record)
    for key_id, key in context.keyring.verify_keys.items():
        files[f"keys/{key_id.replace(':', '_')}.pem"] = public_key_pem(key)

    manifest = _json_bytes(
        {
            "format": FORMAT,
            "unitCode": unit_code,
            "exportedAt": context.now,
            "logHead": {"seq": head.last_seq, "hash": head.last_hash},
            "files": {name: _sha256(data) for name, data in sorted(files.items())},
        }
    )
    signed = context.keyring.sign_hash(_sha256(manifest))
    files[MANIFEST] = manifest
    files[MANIFEST_SIG] = _json_bytes(
        {"manifestSha256": signed.content_hash, "signature": signed.signature, "signingKeyId": signed.signing_key_id}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [MANIFEST, MANIFEST_SIG, *sorted(n for n in files if n not in (MANIFEST, MANIFEST_SIG))]:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), files[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def certificate_json(certificate: Certificate, registration_number: str | None) -> Json:
    return {
        "number": certificate.number,
        "kind": certificate.kind,
        "registrationNumber": registration_number,
        "issuedAt": certificate.issued_at,
        "content": certificate.content,
        "contentHash": certificate.content_hash,
        "signature": certificate.signature,
        "signingKeyId": certificate.signing_key_id,
    }


def _about(
    property_id: int,
    contract_ids: Collection[int],
    registration_ids: Collection[int],
    mortgage_ids: Collection[int],
    tax_record_ids: Collection[int],
) -> Q:
    query = Q(property_id=property_id)
    for name, ids in (
        ("contract_id", contract_ids),
        ("registration_id", registration_ids),
        ("mortgage_id", mortgage_ids),
        ("tax_record_id", tax_record_ids),
    ):
        if ids:
            in_ids: dict[str, Any] = {f"{name}__in": ids}
            query |= Q(**in_ids)
    return query


def _line(value: object) -> bytes:
    return (canonical_json(value) + "\n").encode("utf-8")


async def _links(first: int, last: int) -> bytes:
    out = []
    seq = first
    while seq <= last:
        rows = (
            await Event.filter(seq__gte=seq, seq__lte=min(last, seq + _LINK_BATCH - 1))
            .order_by("seq")
            .values_list("seq", "previous_hash", "hash")
        )
        out += [_line({"seq": s, "previousHash": p, "hash": h}) for s, p, h in rows]
        seq += _LINK_BATCH
    return b"".join(out)


# --- the offline check ---------------------------------------------------------------------


@dataclass
class ArchiveReport:
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, what is wrong)
    events: int = 0
    links: int = 0
    certificates: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, name: str, problem: str) -> None:
        self.problems.append((name, problem))


def verify_archive(data: bytes, trusted_keys: list[bytes] | None = None) -> ArchiveReport:
    """Check an archive with no database. `trusted_keys`: the authority's public keys (PEM)
    from outside the archive; without them the archive's own keys/ are used, which proves it
    unchanged since export only against someone who cannot re-sign it."""
    report = ArchiveReport()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        report.add("(archive)", f"not a readable zip: {error}")
        return report
    files: dict[str, bytes] = {}
    for info in archive.infolist():
        try:
            files[info.filename] = archive.read(info)
        except (
            zipfile.BadZipFile,
            zlib.error,
            ValueError,
            OSError,
        ) as error:  # bad CRC or bad deflate data names the member
            report.add(info.filename, f"cannot be read: {error}")
    keyring = _keys(files, trusted_keys, report)
    manifest = _manifest(files, keyring, report)
    if manifest is None:
        return report
    listed = manifest.get("files", {})
    for name in sorted(set(files) - {MANIFEST, MANIFEST_SIG} - set(listed)):
        report.add(name, "is not in the manifest")
    for name, digest in sorted(listed.items()):
        if name not in files:
            if not any(n == name for n, _ in report.problems):
                report.add(name, "is in the manifest but missing")
        elif _sha256(files[name]) != digest:
            report.add(name, "its SHA-256 does not match the manifest")
    events = _events(files.get("events.jsonl", b""), report)
    _chain(events, files.get("links.jsonl", b""), manifest.get("logHead", {}), report)
    _certificates(files, keyring, report)
    return report


def _keys(files: dict[str, bytes], trusted: list[bytes] | None, report: ArchiveReport) -> dict[str, VerifyKey]:
    keys: dict[str, VerifyKey] = {}
    sources = (
        [("--public-key", pem) for pem in trusted]
        if trusted
        else [(name, data) for name, data in sorted(files.items()) if name.startswith("keys/")]
    )
    for name, pem in sources:
        try:
            key = load_verify_key(pem)
        except ValueError as error:
            report.add(name, f"not a public key: {error}")
            continue
        keys[key.key_id] = key
    return keys


def _manifest(files: dict[str, bytes], keys: dict[str, VerifyKey], report: ArchiveReport) -> Json | None:
    if MANIFEST not in files:
        report.add(MANIFEST, "missing")
        return None
    raw = files[MANIFEST]
    try:
        manifest: Json = json.loads(raw)
    except ValueError as error:
        report.add(MANIFEST, f"not JSON: {error}")
        return None
    try:
        sig = json.loads(files[MANIFEST_SIG])
        reason = verify_hash(keys, sig["manifestSha256"], sig["signature"], sig["signingKeyId"])
        if reason:
            report.add(MANIFEST_SIG, reason)
        elif sig["manifestSha256"] != _sha256(raw):
            report.add(MANIFEST, "its SHA-256 is not the one signed (manifest.sig)")
    except (KeyError, ValueError, TypeError) as error:
        report.add(MANIFEST_SIG, f"missing or unreadable: {error}")
    if manifest.get("format") != FORMAT:
        report.add(MANIFEST, f"not a {FORMAT} manifest")
    return manifest


def _jsonl(data: bytes, name: str, report: ArchiveReport) -> list[Json]:
    out: list[Json] = []
    for number, line in enumerate(data.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError:
            report.add(name, f"line {number} is not JSON")
    return out


def _events(data: bytes, report: ArchiveReport) -> list[Json]:
    events = _jsonl(data, "events.jsonl", report)
    for event in events:
        try:
            digest = chain_hash(
                event["previousHash"],
                canonical_event(event["seq"], event["type"], event["occurredAt"], event["refs"], event["payload"]),
            )
        except (KeyError, ValueError, TypeError) as error:
            report.add("events.jsonl", f"event {event.get('seq')} is incomplete: {error}")
            continue
        if digest != event["hash"]:
            report.add("events.jsonl", f"event {event['seq']}: its content does not match its hash")
    report.events = len(events)
    return events


def _chain(events: list[Json], data: bytes, head: Json, report: ArchiveReport) -> None:
    links = _jsonl(data, "links.jsonl", report)
    report.links = len(links)
    by_seq: dict[Any, Json] = {}
    previous: Json | None = None
    for link in links:
        if previous is not None:
            if link.get("seq") != previous["seq"] + 1:
                report.add("links.jsonl", f"event {previous['seq'] + 1} is missing from the chain")
            elif link.get("previousHash") != previous.get("hash"):
                report.add("links.jsonl", f"event {link.get('seq')}: previousHash does not match the event before it")
        by_seq[link.get("seq")] = link
        previous = link
    if previous is not None and (previous.get("seq"), previous.get("hash")) != (head.get("seq"), head.get("hash")):
        report.add("links.jsonl", "the chain does not end at the log head the manifest names")
    for event in events:
        placed = by_seq.get(event.get("seq"))
        if placed is None or (placed.get("previousHash"), placed.get("hash")) != (
            event.get("previousHash"),
            event.get("hash"),
        ):
            report.add("events.jsonl", f"event {event.get('seq')} is not at its place in the chain (links.jsonl)")


def _certificates(files: dict[str, bytes], keys: dict[str, VerifyKey], report: ArchiveReport) -> None:
    names = sorted(n for n in files if n.startswith("certificates/") and n.endswith(".json"))
    for name in names:
        try:
            certificate = json.loads(files[name])
            content_hash, signature, key_id = (
                certificate["contentHash"],
                certificate["signature"],
                certificate["signingKeyId"],
            )
            content = certificate["content"]
        except (ValueError, KeyError, TypeError) as error:
            report.add(name, f"unreadable certificate: {error}")
            continue
        reason = (
            verify_hash(keys, content_hash, signature, key_id)
            if canonical_hash(content) == content_hash
            else "the content does not match its hash"
        )
        if reason:
            report.add(name, reason)
        if name[: -len(".json")] + ".pdf" not in files:
            report.add(name[: -len(".json")] + ".pdf", "the certificate's PDF is missing")
    report.certificates = len(names)
