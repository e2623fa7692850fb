"""Signing and verifying certificates with Ed25519 or SM2 (DESIGN §3, 商用密码).

contentHash = SHA-256 of the canonical content; signature = a signature over the contentHash
(its 64 ASCII hex characters): Ed25519, or SM2 with SM3 (GB/T 32918, the signer's ID the
standard's default 1234567812345678, DER-encoded r and s). The key id names the algorithm, so
a key ring can hold keys of both kinds: certificates signed before a rotation, or before a
switch of algorithm, still verify.

SM2 comes from tongsuopy (Tongsuo, the OpenAtom Foundation's OpenSSL fork with the national
algorithms); `cryptography` has SM3 but no SM2.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from tongsuopy.crypto import hashes as ts_hashes
from tongsuopy.crypto import serialization as ts_serialization
from tongsuopy.crypto.asymciphers import ec as ts_ec
from tongsuopy.crypto.exceptions import InvalidSignature as TsInvalidSignature
from tongsuopy.crypto.exceptions import UnsupportedAlgorithm as TsUnsupportedAlgorithm

from domain.canonical import canonical_hash


class SigningAlgorithm(str, Enum):
    ED25519 = "ED25519"
    SM2 = "SM2"


class VerifyKey(Protocol):
    @property
    def key_id(self) -> str: ...

    def verify(self, signature: bytes, message: bytes) -> bool: ...


class SigningKey(Protocol):
    @property
    def algorithm(self) -> SigningAlgorithm: ...

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...

    def public(self) -> VerifyKey: ...

    def public_pem(self) -> bytes: ...


# --- Ed25519 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ed25519Verify:
    key: Ed25519PublicKey

    @property
    def key_id(self) -> str:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Ed25519Signing:
    key: Ed25519PrivateKey
    algorithm: SigningAlgorithm = SigningAlgorithm.ED25519

    @property
    def key_id(self) -> str:
        return self.public().key_id

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message)

    def public(self) -> Ed25519Verify:
        return Ed25519Verify(self.key.public_key())

    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


# --- SM2 with SM3 --------------------------------------------------------------------------

_SM2_SIGNATURE = ts_ec.ECDSA(ts_hashes.SM3())  # tongsuopy's name; on an SM2 key it is SM2-with-SM3


@dataclass(frozen=True)
class Sm2Verify:
    key: ts_ec.EllipticCurvePublicKey

    @property
    def key_id(self) -> str:
        point = self.key.public_bytes(ts_serialization.Encoding.X962, ts_serialization.PublicFormat.UncompressedPoint)
        return "sm2:" + hashlib.sha256(point).hexdigest()[:16]

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.key.verify(signature, message, _SM2_SIGNATURE)
        except (TsInvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Sm2Signing:
    key: ts_ec.EllipticCurvePrivateKey
    algorithm: SigningAlgorithm = SigningAlgorithm.SM2

    @property
    def key_id(self) -> str:
        return self.public().key_id

    def sign(self, message: bytes) -> bytes:
        signature: bytes = self.key.sign(message, _SM2_SIGNATURE)
        return signature

    def public(self) -> Sm2Verify:
        return Sm2Verify(self.key.public_key())

    def public_pem(self) -> bytes:
        pem: bytes = self.key.public_key().public_bytes(
            ts_serialization.Encoding.PEM, ts_serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem


# --- the key ring --------------------------------------------------------------------------


@dataclass
class KeyRing:
    signing_key: SigningKey
    verify_keys: dict[str, VerifyKey] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.verify_keys.setdefault(self.signing_key_id, self.signing_key.public())

    @property
    def signing_key_id(self) -> str:
        return self.signing_key.key_id

    @property
    def algorithm(self) -> SigningAlgorithm:
        return self.signing_key.algorithm

    def add_verify_key(self, public_key: VerifyKey) -> None:
        self.verify_keys[public_key.key_id] = public_key

    def sign(self, content: Any) -> SignedContent:
        return self.sign_hash(canonical_hash(content))

    def sign_hash(self, content_hash: str) -> SignedContent:
        """A signature over a SHA-256 hex digest (a certificate's contentHash, an archive's manifest)."""
        signature = self.signing_key.sign(content_hash.encode("ascii"))
        return SignedContent(content_hash, base64.b64encode(signature).decode("ascii"), self.signing_key_id)

    def verify(self, content: Any, content_hash: str, signature: str, signing_key_id: str) -> str | None:
        """None when valid, else the reason it is not."""
        if canonical_hash(content) != content_hash:
            return "the content does not match its hash"
        return self.verify_hash(content_hash, signature, signing_key_id)

    def verify_hash(self, content_hash: str, signature: str, signing_key_id: str) -> str | None:
        return verify_hash(self.verify_keys, content_hash, signature, signing_key_id)


def verify_hash(
    verify_keys: dict[str, VerifyKey], content_hash: str, signature: str, signing_key_id: str
) -> str | None:
    """None when `signature` (base64) is the named key's over `content_hash`, else the reason it is not."""
    public_key = verify_keys.get(signing_key_id)
    if public_key is None:
        return f"unknown signing key {signing_key_id}"
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return "the signature does not match the content hash"
    if not public_key.verify(raw, content_hash.encode("ascii")):
        return "the signature does not match the content hash"
    return None


@dataclass(frozen=True)
class SignedContent:
    content_hash: str
    signature: str
    signing_key_id: str


def public_key_pem(key: VerifyKey) -> bytes:
    if isinstance(key, Ed25519Verify):
        return key.key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert isinstance(key, Sm2Verify)
    pem: bytes = key.key.public_bytes(ts_serialization.Encoding.PEM, ts_serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem


def generate_private_key_pem(algorithm: SigningAlgorithm | str = SigningAlgorithm.ED25519) -> bytes:
    if SigningAlgorithm(algorithm) == SigningAlgorithm.SM2:
        pem: bytes = ts_ec.generate_private_key(ts_ec.SM2()).private_bytes(
            ts_serialization.Encoding.PEM, ts_serialization.PrivateFormat.PKCS8, ts_serialization.NoEncryption()
        )
        return pem
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_sm2_private(pem: bytes) -> Sm2Signing | None:
    try:
        key = ts_serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, TsUnsupportedAlgorithm):
        return None
    if isinstance(key, ts_ec.EllipticCurvePrivateKey) and isinstance(key.curve, ts_ec.SM2):
        return Sm2Signing(key)
    return None


def load_signing_key(pem: bytes, algorithm: SigningAlgorithm | str = SigningAlgorithm.ED25519) -> SigningKey:
    """The authority's private key (PEM, PKCS#8) of the algorithm the settings name."""
    algorithm = SigningAlgorithm(algorithm)
    if algorithm == SigningAlgorithm.SM2:
        key = _load_sm2_private(pem)
        if key is None:
            raise ValueError("the signing key must be an SM2 private key (PEM) when the algorithm is SM2")
        return key
    return Ed25519Signing(load_private_key(pem))


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except UnsupportedAlgorithm:
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be an Ed25519 private key (or set ONEWINDOW_SIGNING_ALGORITHM=SM2)")
    return key


def load_verify_key(pem: bytes) -> VerifyKey:
    """A PEM public key of either kind, or the public half of a PEM private key (an older signing key)."""
    if b"PRIVATE KEY" in pem:
        sm2 = _load_sm2_private(pem)
        return sm2.public() if sm2 is not None else Ed25519Verify(load_private_key(pem).public_key())
    try:
        key = serialization.load_pem_public_key(pem)
    except UnsupportedAlgorithm:
        key = None
    if isinstance(key, Ed25519PublicKey):
        return Ed25519Verify(key)
    try:
        sm2 = ts_serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, TsUnsupportedAlgorithm):
        sm2 = None
    if isinstance(sm2, ts_ec.EllipticCurvePublicKey) and isinstance(sm2.curve, ts_ec.SM2):
        return Sm2Verify(sm2)
    raise ValueError("verification keys must be Ed25519 or SM2 public keys (PEM)")
