"""Bearer tokens (DESIGN §1): verification with an HS256 secret or an EdDSA/RS256 public key."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from starlette.types import Scope
from tortoise import connections

from api.admission import Identity, anonymous
from api.settings import Settings, SettingsError
from domain import sql
from domain.enums import Role
from domain.viewer import Viewer

REQUIRED_CLAIMS = ["sub", "role", "exp", "iss"]
NUMERIC_CLAIMS = ("exp", "nbf", "iat")
DEFAULT_TTL_SECONDS = 8 * 3600


class AuthenticationError(Exception):
    """The token cannot be trusted; the message says why, without echoing the token."""


@dataclass(frozen=True)
class TokenVerifier:
    key: object
    algorithms: tuple[str, ...]
    issuer: str
    # Tokens already verified, with their claims: a client sends the same token with every
    # request, and verifying it again costs more than some whole mutations. An entry is only
    # served while the token has not expired; a changed token is a different key.
    verified: dict[str, dict] = field(default_factory=dict, compare=False)
    verified_max: int = 10_000

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        if settings.jwt_public_key_path:
            pem = Path(settings.jwt_public_key_path).read_bytes()
            public_key = serialization.load_pem_public_key(pem)
            if isinstance(public_key, Ed25519PublicKey):
                return cls(public_key, ("EdDSA",), settings.jwt_issuer)
            if isinstance(public_key, RSAPublicKey):
                return cls(public_key, ("RS256",), settings.jwt_issuer)
            raise SettingsError("ONEWINDOW_JWT_PUBLIC_KEY must be an Ed25519 or RSA public key")
        secret = settings.effective_jwt_secret()
        if secret is None:
            raise SettingsError("no token key: set ONEWINDOW_JWT_SECRET or ONEWINDOW_JWT_PUBLIC_KEY")
        return cls(secret, ("HS256",), settings.jwt_issuer)

    def claims(self, token: str) -> dict:
        known = self.verified.get(token)
        if known is not None and known["exp"] > time.time():
            return known
        claims = self._verify(token)
        if len(self.verified) >= self.verified_max:
            self.verified.clear()
        self.verified[token] = claims
        return claims

    def _verify(self, token: str) -> dict:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=list(self.algorithms),
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationError("the token has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(f"the token is not valid: {exc}") from exc
        for name in NUMERIC_CLAIMS:
            # PyJWT reads a numeric string as a number; the JWT spec (NumericDate) does not.
            if name in claims and (isinstance(claims[name], bool) or not isinstance(claims[name], (int, float))):
                raise AuthenticationError(f"the token is not valid: the {name!r} claim must be a number")
        try:
            Role(claims["role"])
        except ValueError as exc:
            raise AuthenticationError(f"unknown role {claims['role']!r}") from exc
        return claims


def request_identity(verifier: TokenVerifier) -> Callable[[Scope], Identity]:
    """Who a request is, for admission and its body limit (api/admission.py): the subject of
    a valid token, or anonymous at its address."""

    def identify(scope: Scope) -> Identity:
        header = next((v for k, v in scope.get("headers", ()) if k == b"authorization"), None)
        if header:
            try:
                token = bearer_token(header.decode("latin-1"))
                if token:
                    return Identity(f"sub:{verifier.claims(token)['sub']}", True)
            except AuthenticationError:
                pass  # get_context tells the request why
        return anonymous(scope)

    return identify


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


class _PartyId(NamedTuple):
    id: int


class PartyIdCache:
    """Row ids of parties by ID number. Only found ids are kept: a party created later is
    looked up again, and an existing party's id never changes."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self.ids: dict[str, int] = {}

    async def get(self, id_number: str) -> int | None:
        if id_number in self.ids:
            return self.ids[id_number]
        rows = await sql.fetch(
            connections.get("default"), "SELECT id FROM party WHERE id_number = ?", [id_number], _PartyId
        )
        if not rows:
            return None
        if len(self.ids) >= self.size:
            self.ids.clear()
        self.ids[id_number] = rows[0].id
        return self.ids[id_number]


async def viewer_from_claims(claims: dict, party_ids: PartyIdCache | None = None) -> Viewer:
    party_number = claims.get("party") or None
    party_id = None
    if party_number:
        party_id = await (party_ids or PartyIdCache()).get(party_number)
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return Viewer(
        subject=str(claims["sub"]),
        role=Role(claims["role"]),
        party_id_number=party_number,
        party_id=party_id,
        amr=frozenset(str(m) for m in amr),
    )


def mint_token(
    settings: Settings,
    role: Role,
    party: str | None = None,
    amr: list[str] | None = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    subject: str | None = None,
) -> str:
    """A development token signed with the HS256 secret (`onewindow token`)."""
    secret = settings.effective_jwt_secret()
    if secret is None:
        raise SettingsError(
            "minting needs ONEWINDOW_JWT_SECRET; with a public key, tokens come from the identity provider"
        )
    now = int(time.time())
    claims = {
        "sub": subject or (f"{role.value.lower()}:{party}" if party else f"{role.value.lower()}:staff"),
        "role": role.value,
        "amr": list(amr or ["pwd"]),
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if party:
        claims["party"] = party
    return jwt.encode(claims, secret, algorithm="HS256")
