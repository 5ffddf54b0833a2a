"""Encryption at rest for personal data: Fernet keys, the first encrypts, all decrypt."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class Cipher:
    """Rotation-friendly: new writes use the first key, old rows still open with the others."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, text: str) -> str:
        """Ciphertext safe to store in a text column."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The original text; raises ValueError for a token no key opens."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt with the configured keys") from exc


def parse_keys(setting: str) -> list[bytes]:
    """Comma-separated Fernet keys; raises ValueError on a malformed one."""
    keys = [part.strip().encode("ascii") for part in setting.split(",") if part.strip()]
    for key in keys:
        Fernet(key)  # raises ValueError when the key is not 32 url-safe base64 bytes
    return keys


def cipher_from(setting: str, key_file: Path) -> Cipher:
    """The configured keys, or a local key file created on first use (development only)."""
    if setting:
        return Cipher(parse_keys(setting))
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    return Cipher([key_file.read_bytes().strip()])
