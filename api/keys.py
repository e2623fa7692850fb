"""The registration authority's certificate-signing keys."""

from __future__ import annotations

import os
from pathlib import Path

from api.settings import Settings, SettingsError
from domain.certificates import KeyRing, SigningAlgorithm, generate_private_key_pem, load_signing_key, load_verify_key


def signing_algorithm() -> SigningAlgorithm:
    raw = os.environ.get("ONEWINDOW_SIGNING_ALGORITHM", "").strip().upper() or SigningAlgorithm.ED25519.value
    try:
        return SigningAlgorithm(raw)
    except ValueError as error:
        raise SettingsError(f"ONEWINDOW_SIGNING_ALGORITHM must be ED25519 or SM2, got {raw!r}") from error


def load_keyring(settings: Settings) -> KeyRing:
    algorithm = signing_algorithm()
    path = settings.effective_signing_key_path()
    if path is None:
        raise SettingsError(
            f"ONEWINDOW_SIGNING_KEY must name the {algorithm.value} private key (PEM) that signs certificates"
        )
    if not settings.signing_key_path and algorithm == SigningAlgorithm.SM2:
        path = path.with_name("signing-key-sm2.pem")  # the embedded default keeps one key of each kind
    if not path.exists():
        if not settings.is_embedded:
            raise SettingsError(f"ONEWINDOW_SIGNING_KEY: no file at {path}")
        _create_development_key(path, algorithm)
    try:
        keyring = KeyRing(load_signing_key(path.read_bytes(), algorithm))
        # Keys that signed earlier certificates (after a rotation, of either kind): PEM files, comma-separated.
        for older in filter(None, (p.strip() for p in os.environ.get("ONEWINDOW_VERIFY_KEYS", "").split(","))):
            keyring.add_verify_key(load_verify_key(Path(older).read_bytes()))
    except (ValueError, OSError) as error:
        raise SettingsError(f"certificate keys: {error}") from error
    return keyring


def _create_development_key(path: Path, algorithm: SigningAlgorithm) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(generate_private_key_pem(algorithm))
