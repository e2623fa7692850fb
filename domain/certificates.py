"""Signing and verifying certificates with Ed25519 (DESIGN §3).

contentHash = SHA-256 of the canonical content; signature = Ed25519 over the contentHash.
A key ring holds the current signing key and every older public key, so certificates
signed before a key rotation still verify.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.canonical import canonical_hash


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


@dataclass
class KeyRing:
    signing_key: Ed25519PrivateKey
    verify_keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.verify_keys.setdefault(self.signing_key_id, self.signing_key.public_key())

    @property
    def signing_key_id(self) -> str:
        return key_id(self.signing_key.public_key())

    def add_verify_key(self, public_key: Ed25519PublicKey) -> None:
        self.verify_keys[key_id(public_key)] = public_key

    def sign(self, content: Any) -> "SignedContent":
        content_hash = canonical_hash(content)
        signature = self.signing_key.sign(content_hash.encode("ascii"))
        return SignedContent(content_hash, base64.b64encode(signature).decode("ascii"), self.signing_key_id)

    def verify(self, content: Any, content_hash: str, signature: str, signing_key_id: str) -> str | None:
        """None when valid, else the reason it is not."""
        if canonical_hash(content) != content_hash:
            return "the content does not match its hash"
        public_key = self.verify_keys.get(signing_key_id)
        if public_key is None:
            return f"unknown signing key {signing_key_id}"
        try:
            public_key.verify(base64.b64decode(signature, validate=True), content_hash.encode("ascii"))
        except (InvalidSignature, ValueError):
            return "the signature does not match the content hash"
        return None


@dataclass(frozen=True)
class SignedContent:
    content_hash: str
    signature: str
    signing_key_id: str


def generate_private_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be an Ed25519 private key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """A PEM public key, or the public half of a PEM private key (an older signing key)."""
    if b"PRIVATE KEY" in pem:
        return load_private_key(pem).public_key()
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("verification keys must be Ed25519")
    return key
