import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.certificates import Ed25519Signing, Ed25519Verify, KeyRing

CONTENT = {"number": "豫(2026)息县不动产证明第0000001号", "holders": ["张三"], "area": "89.50"}


def test_signed_content_verifies():
    ring = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate()))
    signed = ring.sign(CONTENT)
    assert ring.verify(CONTENT, signed.content_hash, signed.signature, signed.signing_key_id) is None


def test_changed_content_is_detected():
    ring = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate()))
    signed = ring.sign(CONTENT)
    forged = {**CONTENT, "holders": ["李四"]}
    assert (
        ring.verify(forged, signed.content_hash, signed.signature, signed.signing_key_id)
        == "the content does not match its hash"
    )


def test_a_forged_signature_is_detected():
    ring = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate()))
    signed = ring.sign(CONTENT)
    other = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate())).sign(CONTENT)
    reason = ring.verify(CONTENT, signed.content_hash, other.signature, signed.signing_key_id)
    assert reason == "the signature does not match the content hash"


def test_garbage_instead_of_a_signature_is_not_valid():
    ring = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate()))
    signed = ring.sign(CONTENT)
    assert ring.verify(CONTENT, signed.content_hash, base64.b64encode(b"x" * 64).decode(), signed.signing_key_id)
    assert ring.verify(CONTENT, signed.content_hash, "not base64!", signed.signing_key_id)


def test_after_rotation_old_certificates_still_verify():
    old_key = Ed25519PrivateKey.generate()
    signed_before = KeyRing(Ed25519Signing(old_key)).sign(CONTENT)
    rotated = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate()))
    assert rotated.verify(CONTENT, signed_before.content_hash, signed_before.signature, signed_before.signing_key_id)
    rotated.add_verify_key(Ed25519Verify(old_key.public_key()))
    assert (
        rotated.verify(CONTENT, signed_before.content_hash, signed_before.signature, signed_before.signing_key_id)
        is None
    )
    assert rotated.sign(CONTENT).signing_key_id != signed_before.signing_key_id
