"""Private keys at rest: AES-256-GCM under a key derived from SECRET_KEY with HKDF-SHA256.

The key id (or origin) is the associated data, so a sealed key cannot be swapped onto another
row. Changing SECRET_KEY makes the custodial keys unreadable: rotate them (new keys) afterwards.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings


def _aead() -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"safecity.ledger.private-keys.v1").derive(
        settings.SECRET_KEY.encode()
    )
    return AESGCM(key)


def seal(private_key: Ed25519PrivateKey, aad: str) -> bytes:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = os.urandom(12)
    return nonce + _aead().encrypt(nonce, raw, aad.encode())


def unseal(blob: bytes, aad: str) -> Ed25519PrivateKey:
    blob = bytes(blob)
    raw = _aead().decrypt(blob[:12], blob[12:], aad.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)
