"""SM2 with SM3 (商用密码) against the published examples, and key rings mixing both kinds.

The signature example is GB/T 32918.5-2017 Annex A (also GM/T 0003.5-2012): the recommended
curve sm2p256v1, user ID "1234567812345678", message "message digest", the fixed random k
below. The hash examples are GB/T 32905-2016 (GM/T 0004-2012) Annex A.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes as crypto_hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from tongsuopy.crypto import hashes
from tongsuopy.crypto.asymciphers import ec

from domain.certificates import (
    Ed25519Signing,
    KeyRing,
    SigningAlgorithm,
    Sm2Signing,
    Sm2Verify,
    generate_private_key_pem,
    load_signing_key,
    load_verify_key,
)


def _int(hex_words: str) -> int:
    return int(hex_words.replace(" ", ""), 16)


# GB/T 32918.5-2017 Annex A.2 (signature on sm2p256v1)
D_A = _int("3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8")
X_A = _int("09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020")
Y_A = _int("CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13")
K = _int("59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21")
R = _int("F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3")
S = _int("B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA")
MESSAGE = b"message digest"

# sm2p256v1 (GB/T 32918.5-2017 §3)
P = _int("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF")
A = _int("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC")
B = _int("28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93")
N = _int("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123")
G = (
    _int("32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7"),
    _int("BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0"),
)
USER_ID = b"1234567812345678"


def test_sm3_hashes_the_standards_examples():
    for message, digest in [
        (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
        (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
    ]:
        ours = hashes.Hash(hashes.SM3())
        ours.update(message)
        assert ours.finalize().hex() == digest
        theirs = crypto_hashes.Hash(crypto_hashes.SM3())  # the same through cryptography's OpenSSL
        theirs.update(message)
        assert theirs.finalize().hex() == digest


def test_the_sample_private_key_gives_the_sample_public_key():
    public = ec.derive_private_key(D_A, ec.SM2()).public_key().public_numbers()
    assert (public.x, public.y) == (X_A, Y_A)


def test_the_standards_signature_verifies_and_a_changed_one_does_not():
    public = Sm2Verify(ec.derive_private_key(D_A, ec.SM2()).public_key())
    assert public.verify(encode_dss_signature(R, S), MESSAGE)
    assert not public.verify(encode_dss_signature(R, S ^ 1), MESSAGE)
    assert not public.verify(encode_dss_signature(R, S), b"message digesT")


def _sm3(data: bytes) -> int:
    digest = crypto_hashes.Hash(crypto_hashes.SM3())
    digest.update(data)
    return int.from_bytes(digest.finalize(), "big")


def _mul(k: int, point: tuple[int, int]) -> tuple[int, int]:
    """Affine double-and-add on sm2p256v1: slow, only to recompute the example's k·G."""
    result = None
    addend = point
    while k:
        if k & 1:
            result = addend if result is None else _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    return result


def _add(p1: tuple[int, int], p2: tuple[int, int]) -> tuple[int, int]:
    if p1 == p2:
        slope = (3 * p1[0] * p1[0] + A) * pow(2 * p1[1], -1, P) % P
    else:
        slope = (p2[1] - p1[1]) * pow(p2[0] - p1[0], -1, P) % P
    x = (slope * slope - p1[0] - p2[0]) % P
    return x, (slope * (p1[0] - x) - p1[1]) % P


def test_the_fixed_k_reproduces_r_and_s_and_the_library_verifies_with_that_z():
    """The library draws its own k; with the standard's k the signing equations (GB/T 32918.2
    §6.1) give the published r and s from the Z over the default ID, and that is the Z the
    library verifies with: a signature of ours and the standard's agree on every input."""
    as_bytes = lambda v: v.to_bytes(32, "big")  # noqa: E731
    z = _sm3(len(USER_ID * 8).to_bytes(2, "big") + USER_ID + b"".join(as_bytes(v) for v in (A, B, *G, X_A, Y_A)))
    e = _sm3(as_bytes(z) + MESSAGE)
    x1, _ = _mul(K, G)
    r = (e + x1) % N
    s = pow(1 + D_A, -1, N) * (K - r * D_A) % N
    assert (r, s) == (R, S)
    mine = Sm2Signing(ec.derive_private_key(D_A, ec.SM2()))
    signature = mine.sign(MESSAGE)
    assert mine.public().verify(signature, MESSAGE)
    r2, s2 = decode_dss_signature(signature)
    # Each signature satisfies the verification equation x1' = r - e with (x1', y1') = s·G + (r + s)·P_A.
    check = _add(_mul(s2, G), _mul((r2 + s2) % N, (X_A, Y_A)))
    assert (e + check[0]) % N == r2


def test_an_sm2_key_ring_signs_and_verifies_certificates():
    ring = KeyRing(load_signing_key(generate_private_key_pem(SigningAlgorithm.SM2), SigningAlgorithm.SM2))
    content = {"number": "豫(2026)息县不动产权第0000001号", "holders": [{"name": "张三"}]}
    signed = ring.sign(content)
    assert signed.signing_key_id.startswith("sm2:")
    assert ring.verify(content, signed.content_hash, signed.signature, signed.signing_key_id) is None
    forged = base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode()
    assert (
        ring.verify(content, signed.content_hash, forged, signed.signing_key_id)
        == "the signature does not match the content hash"
    )


def test_keys_of_both_kinds_coexist_during_a_rotation_to_sm2():
    ed_pem = generate_private_key_pem(SigningAlgorithm.ED25519)
    before = KeyRing(load_signing_key(ed_pem)).sign({"n": 1})
    after_ring = KeyRing(load_signing_key(generate_private_key_pem("SM2"), "SM2"))
    assert after_ring.verify({"n": 1}, before.content_hash, before.signature, before.signing_key_id).startswith(
        "unknown signing key"
    )
    after_ring.add_verify_key(load_verify_key(ed_pem))  # the old private key file, or its public half
    assert after_ring.verify({"n": 1}, before.content_hash, before.signature, before.signing_key_id) is None
    assert after_ring.verify({"n": 2}, *_fields(after_ring.sign({"n": 2}))) is None
    # And back: an Ed25519 ring holding the SM2 public key.
    sm2_pem = generate_private_key_pem("SM2")
    sm2_signed = KeyRing(load_signing_key(sm2_pem, "SM2")).sign({"n": 3})
    back = KeyRing(Ed25519Signing(Ed25519PrivateKey.generate()))
    back.add_verify_key(load_verify_key(load_signing_key(sm2_pem, "SM2").public_pem()))
    assert back.verify({"n": 3}, *_fields(sm2_signed)) is None


def _fields(signed) -> tuple[str, str, str]:
    return signed.content_hash, signed.signature, signed.signing_key_id


def test_a_key_of_the_wrong_kind_is_refused_clearly():
    import pytest

    with pytest.raises(ValueError, match="SM2 private key"):
        load_signing_key(generate_private_key_pem("ED25519"), "SM2")
    with pytest.raises(ValueError, match="Ed25519 private key"):
        load_signing_key(generate_private_key_pem("SM2"), "ED25519")
