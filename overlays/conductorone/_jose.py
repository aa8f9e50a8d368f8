"""The JOSE library behind the client-credentials flow, loaded only when that flow is used.

Importing joserfc (and the cryptography it uses) costs more than the rest of the package,
and a client with an access token never needs it.
"""

from __future__ import annotations

import warnings
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter
from joserfc.util import urlsafe_b64encode

# The service verifies "EdDSA" assertions; joserfc flags the name as superseded by RFC 9864.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)
_REGISTRY = JWSRegistry(
    header_registry={"nonce": HeaderParameter("Random nonce", "str")}, algorithms=["EdDSA"]
)

__all__ = ["JoseError", "OKPKey", "encode_jwt", "urlsafe_b64encode"]


def encode_jwt(header: dict[str, Any], claims: dict[str, Any], key: OKPKey) -> str:
    """A compact EdDSA-signed JWT (the ``nonce`` header parameter allowed)."""
    return jwt.encode(header, claims, key, algorithms=["EdDSA"], registry=_REGISTRY)
