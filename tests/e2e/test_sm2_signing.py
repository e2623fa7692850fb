"""Switching the certificate signature to SM2 (商用密码, issue 16 item 3) on a real server:
new certificates are SM2-signed, those signed with Ed25519 before the switch still verify
while the old key is listed in ONEWINDOW_VERIFY_KEYS, and the verification page agrees."""

from __future__ import annotations

import httpx

from domain.certificates import generate_private_key_pem
from tests import ids
from tests.story import Life
from tests.support import GraphQLClient, ServerProcess, server_env, token

VERIFY = "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { valid reason } }"


async def _proof(server: ServerProcess, unit: str, buyer: str, token: str) -> dict:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        life = Life(GraphQLClient(http))
        _, notice = await life.pre_registered(unit, buyer_tokens={buyer: token})
        return notice["certificate"]


async def _verified(server: ServerProcess, certificate: dict) -> dict:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        answer = await GraphQLClient(http).data(VERIFY, {"n": certificate["number"], "h": certificate["contentHash"]})
        page = await http.get("/verify", params={"number": certificate["number"], "hash": certificate["contentHash"]})
    return {**answer["verifyCertificate"], "page": page.text}


async def test_certificates_signed_before_and_after_a_switch_to_sm2_both_verify(settings, tmp_path):
    sm2_key = tmp_path / "sm2-signing-key.pem"
    sm2_key.write_bytes(generate_private_key_pem("SM2"))
    log = str(tmp_path / "server.log")
    before = ServerProcess(server_env(settings, ONEWINDOW_TEST_LOG=log)).start()
    try:
        async with httpx.AsyncClient(base_url=before.url, timeout=30) as http:
            life = await Life(GraphQLClient(http)).setup()
            _, units = await life.permit_with_units(units=2)
        old = await _proof(before, units[0]["id"], ids.ZHANG_SAN, life.actors.zhang)
    finally:
        before.stop()

    rotated = server_env(
        settings,
        ONEWINDOW_TEST_LOG=log,
        ONEWINDOW_SIGNING_ALGORITHM="SM2",
        ONEWINDOW_SIGNING_KEY=str(sm2_key),
        ONEWINDOW_VERIFY_KEYS=settings.signing_key_path,
    )
    after = ServerProcess(rotated).start()
    try:
        new = await _proof(after, units[1]["id"], ids.LI_SI, life.actors.li)
        assert new["signature"] and (await _signing_key(after, new)).startswith("sm2:")
        for certificate in (old, new):
            verified = await _verified(after, certificate)
            assert (verified["valid"], verified["reason"]) == (True, None)
            assert "有效 VALID" in verified["page"] and "CURRENT" in verified["page"]
    finally:
        after.stop()

    # Without the old key listed, what it signed no longer verifies (and says why).
    forgetful = ServerProcess({**rotated, "ONEWINDOW_VERIFY_KEYS": ""}).start()
    try:
        verified = await _verified(forgetful, old)
        assert verified["valid"] is False and verified["reason"].startswith("unknown signing key ed25519:")
        assert "无效 INVALID" in verified["page"]
        assert (await _verified(forgetful, new))["valid"] is True
    finally:
        forgetful.stop()


async def _signing_key(server: ServerProcess, certificate: dict) -> str:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        data = await GraphQLClient(http).data(
            "query($n: String!) { registration(number: $n) { certificate { signingKeyId } } }",
            {"n": certificate["number"]},
            bearer=token("REGISTRAR"),
        )
    return data["registration"]["certificate"]["signingKeyId"]
