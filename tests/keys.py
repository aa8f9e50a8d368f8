"""Test credentials: a fresh Ed25519 key pair as a ConductorOne client secret."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

CLIENT_ID = "clever-fox-12345@127.0.0.1/pcc"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_secret(jwk_overrides: dict[str, Any] | None = None) -> tuple[str, Ed25519PublicKey]:
    private = Ed25519PrivateKey.generate()
    d = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    x = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwk: dict[str, Any] = {
        "kty": "OKP",
        "crv": "Ed25519",
        "d": b64(d),
        "x": b64(x),
        **(jwk_overrides or {}),
    }
    jwk = {k: v for k, v in jwk.items() if v is not None}
    return "secret-token:conductorone.com:v1:" + b64(json.dumps(jwk).encode()), private.public_key()
