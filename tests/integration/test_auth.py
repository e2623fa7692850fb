"""Bearer tokens: HS256 secret or EdDSA/RS256 public key; every bad token is refused."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from api.app import create_app
from api.auth import AuthenticationError, TokenVerifier
from api.settings import Settings, SettingsError
from domain.models import Party
from tests import factories, ids
from tests.support import TEST_JWT_SECRET, GraphQLClient, token

VIEWER = "{ viewer { role subject party { name idNumber } } }"


def _claims(**overrides):
    now = int(time.time())
    claims = {"sub": "tester", "role": "REGISTRAR", "iss": "onewindow", "iat": now, "exp": now + 300}
    claims.update(overrides)
    return claims


def _code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


async def test_a_valid_token_identifies_the_viewer_and_its_party(gql, db):
    world = await factories.World().build()
    data = await gql.data(VIEWER, bearer=token("BUYER", ids.ZHANG_SAN, ["face"]))
    assert data["viewer"] == {
        "role": "BUYER",
        "subject": f"buyer:{ids.ZHANG_SAN}",
        "party": {"name": world.buyer.name, "idNumber": ids.ZHANG_SAN},
    }


async def test_department_staff_have_no_party(gql):
    data = await gql.data(VIEWER, bearer=token("TAX"))
    assert data["viewer"]["party"] is None and data["viewer"]["role"] == "TAX"


@pytest.mark.parametrize(
    "query",
    [
        VIEWER,
        "{ permits { totalCount } }",
        '{ property(unitCode: "411528001001GB00001F00000001") { id } }',
        '{ homesOwned(idNumber: "%s") { count } }' % ids.ZHANG_SAN,
        "{ events { totalCount } }",
        '{ node(id: "UGFydHk6MQ") { id } }',
        'mutation { registerOrganization(input: {name: "x", idNumber: "%s"}) { party { id } } }' % ids.BANK,
    ],
)
async def test_without_a_token_everything_is_unauthenticated(gql, query):
    body = await gql.execute(query)
    assert _code(body) == "UNAUTHENTICATED"
    assert not any((body.get("data") or {}).values())


async def test_without_a_token_verify_certificate_still_answers(gql):
    data = await gql.data('{ verifyCertificate(number: "nope", contentHash: "00") { valid reason } }')
    assert data["verifyCertificate"] == {"valid": False, "reason": "no certificate has this number"}


@pytest.mark.parametrize(
    "bad_token, why",
    [
        (jwt.encode(_claims(exp=int(time.time()) - 10), TEST_JWT_SECRET, algorithm="HS256"), "expired"),
        (jwt.encode(_claims(), "another-secret-of-enough-length-0123456789", algorithm="HS256"), "wrong key"),
        (jwt.encode(_claims(), TEST_JWT_SECRET, algorithm="HS256")[:-4] + "AAAA", "tampered signature"),
        (jwt.encode(_claims(iss="elsewhere"), TEST_JWT_SECRET, algorithm="HS256"), "wrong issuer"),
        (jwt.encode(_claims(role="KING"), TEST_JWT_SECRET, algorithm="HS256"), "unknown role"),
        (
            jwt.encode({k: v for k, v in _claims().items() if k != "exp"}, TEST_JWT_SECRET, algorithm="HS256"),
            "no expiry",
        ),
        ("not-a-jwt", "garbage"),
    ],
)
async def test_bad_tokens_are_refused(gql, bad_token, why):
    body = await gql.execute(VIEWER, bearer=bad_token)
    assert _code(body) == "UNAUTHENTICATED", why


async def test_a_mutation_with_an_expired_token_says_why_and_stores_nothing(gql, db):
    expired = jwt.encode(_claims(exp=int(time.time()) - 10), TEST_JWT_SECRET, algorithm="HS256")
    body = await gql.execute(
        'mutation { registerOrganization(input: {name: "x", idNumber: "%s"}) { party { id } } }' % ids.BANK,
        bearer=expired,
    )
    assert _code(body) == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]
    assert await Party.filter(id_number=ids.BANK).count() == 0


async def test_a_tampered_payload_with_the_old_signature_is_refused(gql):
    good = token("BUYER", ids.ZHANG_SAN, ["face"])
    header, payload, signature = good.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"BUYER"', b'"REGISTRAR"')
    ).decode()
    body = await gql.execute(VIEWER, bearer=f"{header}.{forged_payload}.{signature}")
    assert _code(body) == "UNAUTHENTICATED"


async def _client_with_public_key(db, settings, tmp_path, public_pem: bytes) -> httpx.AsyncClient:
    key_path = tmp_path / "idp-public.pem"
    key_path.write_bytes(public_pem)
    app = create_app(
        Settings(
            database_url=settings.database_url,
            jwt_public_key_path=str(key_path),
            signing_key_path=settings.signing_key_path,
        )
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://onewindow.test")


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256"])
async def test_tokens_of_an_identity_provider_verify_with_its_public_key(db, settings, tmp_path, algorithm):
    private = ed25519.Ed25519PrivateKey.generate() if algorithm == "EdDSA" else rsa.generate_private_key(65537, 2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    async with await _client_with_public_key(db, settings, tmp_path, public_pem) as http:
        client = GraphQLClient(http)
        good = jwt.encode(_claims(role="HOUSING"), private, algorithm=algorithm)
        assert (await client.data(VIEWER, bearer=good))["viewer"]["role"] == "HOUSING"
        other = ed25519.Ed25519PrivateKey.generate() if algorithm == "EdDSA" else rsa.generate_private_key(65537, 2048)
        wrong_key = jwt.encode(_claims(role="HOUSING"), other, algorithm=algorithm)
        assert _code(await client.execute(VIEWER, bearer=wrong_key)) == "UNAUTHENTICATED"
        # A token signed with the shared development secret is not accepted when a public key is set.
        assert _code(await client.execute(VIEWER, bearer=token("HOUSING"))) == "UNAUTHENTICATED"


def test_a_shared_database_without_a_token_key_refuses_to_start(tmp_path):
    settings = Settings(
        database_url="postgres://postgres@127.0.0.1:5432/test", signing_key_path=str(tmp_path / "k.pem")
    )
    with pytest.raises(SettingsError, match="ONEWINDOW_JWT_SECRET"):
        create_app(settings)


def test_a_shared_database_without_a_signing_key_refuses_to_start():
    settings = Settings(database_url="postgres://postgres@127.0.0.1:5432/test", jwt_secret="s")
    with pytest.raises(SettingsError, match="ONEWINDOW_SIGNING_KEY"):
        create_app(settings)


def test_a_remembered_token_is_refused_once_it_expires():
    verifier = TokenVerifier(TEST_JWT_SECRET, ("HS256",), "onewindow")
    expires = int(time.time()) - 1
    token_text = jwt.encode(_claims(exp=expires), TEST_JWT_SECRET, algorithm="HS256")
    # As if it had been verified a moment before it expired:
    verifier.verified[token_text] = _claims(exp=expires)
    with pytest.raises(AuthenticationError, match="expired"):
        verifier.claims(token_text)


def test_a_remembered_token_is_served_and_a_tampered_copy_refused():
    verifier = TokenVerifier(TEST_JWT_SECRET, ("HS256",), "onewindow")
    token_text = jwt.encode(_claims(), TEST_JWT_SECRET, algorithm="HS256")
    assert verifier.claims(token_text)["role"] == "REGISTRAR"
    assert verifier.claims(token_text)["role"] == "REGISTRAR"
    header, payload, signature = token_text.split(".")
    forged = jwt.utils.base64url_encode(jwt.utils.base64url_decode(payload).replace(b"REGISTRAR", b"TAX")).decode()
    with pytest.raises(AuthenticationError):
        verifier.claims(f"{header}.{forged}.{signature}")
