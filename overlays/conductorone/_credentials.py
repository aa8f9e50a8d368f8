"""Client IDs and client secrets: parsed and checked once, at construction.

A client ID looks like ``clever-fox-12345@acme.conductor.one/pcc``; the part between ``@``
and the first ``/`` names the tenant's server. A client secret looks like
``secret-token:conductorone.com:v1:<base64url JWK>`` and carries an Ed25519 private key.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING, Any

from ._exceptions import CredentialsError

if TYPE_CHECKING:
    from joserfc.jwk import OKPKey

SECRET_PREFIX = ("secret-token", "conductorone.com")
SECRET_VERSION = "v1"
DEFAULT_DOMAIN = "conductor.one"
# A DNS name or IPv4 address, with an optional port: no user info, path, query or fragment.
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?")


def clean_token(value: object, what: str) -> str:
    """A token or secret as given, without surrounding whitespace (a file's trailing newline);
    CredentialsError, never quoting it, if it is not a string or has a control character inside."""
    if not isinstance(value, str):
        raise CredentialsError(f"{what} must be a string, not {type(value).__name__}")
    cleaned = value.strip()
    if not cleaned:
        raise CredentialsError(f"{what} is empty (or only whitespace)")
    if not (cleaned.isascii() and cleaned.isprintable()) or " " in cleaned:
        raise CredentialsError(
            f"{what} contains a line break, space, control or non-ASCII character: "
            "it cannot be sent in a header as it is (check how it was read)"
        )
    return cleaned


class ClientId:
    """A parsed client ID: ``name@host/suffix``. ``str()`` gives it back; it is not secret."""

    __slots__ = ("host", "value")

    def __init__(self, value: str) -> None:
        value = clean_token(value, "client ID")
        if "@" not in value:
            raise CredentialsError("client ID is malformed: expected '<name>@<host>/<suffix>' (no '@' found)")
        _name, _, rest = value.partition("@")
        host, slash, _suffix = rest.partition("/")
        if not slash or not host:
            raise CredentialsError(
                "client ID is malformed: expected '<name>@<host>/<suffix>' (no '/' after the host)"
            )
        if not _HOST.fullmatch(host.lower()):
            # The host decides where the credentials go: 'a@acme.conductor.one@evil/pcc' must not
            # send them to 'evil' with the tenant as URL user info.
            raise CredentialsError(
                f"client ID is malformed: its host {host!r} is not a host name "
                "(letters, digits, '-' and '.', an optional ':port')"
            )
        self.value = value
        self.host = host.lower()

    @property
    def server_host(self) -> str:
        """The API host this client ID belongs to (``acme`` -> ``acme.conductor.one``)."""
        return self.host if "." in self.host else f"{self.host}.{DEFAULT_DOMAIN}"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"ClientId({self.value!r})"


class ClientSecret:
    """The Ed25519 private key from a client secret. Its text is not kept, and never shown."""

    __slots__ = ("_key",)

    def __init__(self, value: str) -> None:
        self._key = _parse_secret(value)

    @property
    def key(self) -> OKPKey:
        return self._key

    def __repr__(self) -> str:
        return "ClientSecret(<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # pickling would write the key out; refuse instead
        raise TypeError("ClientSecret cannot be pickled")


def _parse_secret(value: object) -> OKPKey:
    fields = clean_token(value, "client secret").split(":")
    if len(fields) != 4:
        raise CredentialsError(
            f"client secret is malformed: expected 4 ':'-separated fields "
            f"'secret-token:conductorone.com:v1:<key>', found {len(fields)}"
        )
    if tuple(fields[:2]) != SECRET_PREFIX:
        raise CredentialsError(
            "client secret is malformed: it must start with 'secret-token:conductorone.com:'"
        )
    if fields[2] != SECRET_VERSION:
        raise CredentialsError("client secret has an unsupported version: expected 'v1' (the third field)")
    payload = fields[3]
    try:
        if not payload or "=" in payload or "+" in payload or "/" in payload:
            raise ValueError
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (ValueError, binascii.Error):
        raise CredentialsError("client secret is malformed: the key part is not unpadded base64url") from None
    try:
        jwk = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise CredentialsError(
            "client secret is malformed: the key part is not a JSON Web Key (not JSON)"
        ) from None
    if not isinstance(jwk, dict):
        raise CredentialsError("client secret is malformed: the key part is not a JSON Web Key object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise CredentialsError(
            "client secret holds the wrong kind of key: expected an Ed25519 key (kty OKP, crv Ed25519)"
        )
    if "d" not in jwk:
        raise CredentialsError(
            "client secret holds only a public key: the Ed25519 private part ('d') is missing"
        )
    from ._jose import JoseError, OKPKey

    try:
        key = OKPKey.import_key(jwk)
    except (JoseError, ValueError, TypeError):
        raise CredentialsError("client secret holds an invalid Ed25519 key") from None
    return key
