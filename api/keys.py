"""The registration authority's certificate-signing keys."""
from __future__ import annotations

import os
from pathlib import Path

from api.settings import Settings, SettingsError
from domain.certificates import KeyRing, generate_private_key_pem, load_private_key, load_public_key


def load_keyring(settings: Settings) -> KeyRing:
    path = settings.effective_signing_key_path()
    if path is None:
        raise SettingsError("ONEWINDOW_SIGNING_KEY must name the Ed25519 private key (PEM) that signs certificates")
    if not path.exists():
        if not settings.is_embedded:
            raise SettingsError(f"ONEWINDOW_SIGNING_KEY: no file at {path}")
        _create_development_key(path)
    keyring = KeyRing(load_private_key(path.read_bytes()))
    # Keys that signed earlier certificates (after a rotation): PEM files, comma-separated.
    for older in filter(None, os.environ.get("ONEWINDOW_VERIFY_KEYS", "").split(",")):
        keyring.add_verify_key(load_public_key(Path(older.strip()).read_bytes()))
    return keyring


def _create_development_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(generate_private_key_pem())
