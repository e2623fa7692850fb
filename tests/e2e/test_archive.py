"""The electronic archive (issue 16 items 4 and 7): exported over HTTP and by the CLI, checked
offline with no database, and every changed byte found and named."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

from domain.archive import verify_archive
from domain.certificates import generate_private_key_pem, load_signing_key
from tests import ids
from tests.story import Life
from tests.support import server_env

ONEWINDOW = [sys.executable, "-m", "api.cli"]


def bearer(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


def cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([*ONEWINDOW, *args], capture_output=True, text=True, env=env, timeout=120)


def rewritten(data: bytes, name: str, change) -> bytes:
    """The archive with one member's bytes changed, every other member as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, change(body) if info.filename == name else body)
    return out.getvalue()


def one_byte_changed(body: bytes) -> bytes:
    at = len(body) // 2
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]


async def test_an_archive_exports_verifies_offline_and_names_every_changed_file(server, server_gql, settings, tmp_path):
    life = await Life(server_gql).setup()
    actors = life.actors
    permit, units = await life.permit_with_units(units=2)
    contract, notice = await life.pre_registered(units[0]["id"])
    await life.filed_contract(units[1]["id"], buyer_tokens={ids.LI_SI: actors.li})  # another home's events interleave
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    applied = await life.first_registration(permit["id"])
    ownership = next(t for t in applied["transfers"] if t["property"]["unitCode"] == units[0]["unitCode"])[
        "certificate"
    ]
    unit_code = units[0]["unitCode"]

    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        url = f"/archive/{unit_code}.zip"
        assert (await http.get(url)).status_code == 401
        for refused in (actors.zhang, actors.bank, actors.developer, actors.housing):
            answer = await http.get(url, headers=bearer(refused))
            assert answer.status_code == 403 and answer.json()["code"] == "FORBIDDEN"
        assert (
            await http.get(f"/archive/{units[0]['unitCode'][:-1]}9.zip", headers=bearer(actors.registrar))
        ).status_code == 404
        response = await http.get(url, headers=bearer(actors.registrar))
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    data = response.content

    members = zipfile.ZipFile(io.BytesIO(data)).namelist()
    for expected in (
        "manifest.json",
        "manifest.sig",
        "records/property.json",
        "records/contracts.json",
        "records/registrations.json",
        "records/taxRecords.json",
        "events.jsonl",
        "links.jsonl",
        f"certificates/{notice['certificate']['number']}.json",
        f"certificates/{notice['certificate']['number']}.pdf",
        f"certificates/{ownership['number']}.pdf",
    ):
        assert expected in members, expected
    archive = zipfile.ZipFile(io.BytesIO(data))
    events = [json.loads(line) for line in archive.read("events.jsonl").splitlines()]
    assert {"CONTRACT_FILED", "REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED", "TAX_PAID"} <= {e["type"] for e in events}
    links = [json.loads(line) for line in archive.read("links.jsonl").splitlines()]
    assert len(links) > len(events)  # the other home's events sit between this one's in the county's chain
    assert json.loads(archive.read("records/property.json"))["unit_code"] == unit_code

    report = verify_archive(data)
    assert report.ok, report.problems
    assert report.certificates == 2 and report.events == len(events)

    # Every member, one byte changed: found, and that member named.
    for name in members:
        broken = verify_archive(rewritten(data, name, one_byte_changed))
        assert not broken.ok, name
        assert name in {n for n, _ in broken.problems}, (name, broken.problems)
    # A byte changed in the zip itself (a member's compressed data): its CRC names it.
    info = archive.getinfo("events.jsonl")
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    corrupt = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    assert "events.jsonl" in {n for n, _ in verify_archive(corrupt).problems}

    # The command line: export with no server, check offline, with the authority's public key.
    env = server_env(settings)
    exported = tmp_path / "exported.zip"
    made = cli(["export-archive", unit_code, "--out", str(exported)], env)
    assert made.returncode == 0, made.stderr
    public_key = tmp_path / "authority.pem"
    public_key.write_bytes(load_signing_key(Path(settings.signing_key_path).read_bytes()).public_pem())
    offline = {k: v for k, v in env.items() if k != "ONEWINDOW_DATABASE_URL"} | {
        "ONEWINDOW_DATABASE_URL": "sqlite:///nonexistent/none.sqlite3"
    }
    checked = cli(["verify-archive", str(exported), "--public-key", str(public_key)], offline)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("OK ") and "2 certificates" in checked.stdout
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(
        rewritten(
            exported.read_bytes(),
            "records/contracts.json",
            lambda b: b.replace(b"1000000.00", b"100000.00"),
        )
    )
    refused = cli(["verify-archive", str(tampered), "--public-key", str(public_key)], offline)
    assert refused.returncode == 1 and "BROKEN records/contracts.json" in refused.stdout
    other_key = tmp_path / "other.pem"
    other_key.write_bytes(load_signing_key(generate_private_key_pem()).public_pem())
    untrusted = cli(["verify-archive", str(exported), "--public-key", str(other_key)], offline)
    assert untrusted.returncode == 1 and "BROKEN manifest.sig: unknown signing key" in untrusted.stdout
