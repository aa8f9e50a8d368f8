"""Verifying a delivery: the tenant's signature, then every claim that binds the token to this
request (method, URL, body), this tenant and this receiver, and the time; then the body."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, Union, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

import httpx

from .._exceptions import printable
from .._settings import check_server_url, tenant_url
from ._errors import (
    WebhookAlgorithmError,
    WebhookAudienceError,
    WebhookBodyMismatchError,
    WebhookExpiredError,
    WebhookHeaderMismatchError,
    WebhookIssuerError,
    WebhookKeyNotFoundError,
    WebhookMalformedError,
    WebhookMethodMismatchError,
    WebhookNotYetValidError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTokenTypeError,
    WebhookURLMismatchError,
)
from ._event import WebhookEvent
from ._keys import KEY_TYPES, TenantKeys
from ._replay import MemoryReplayGuard, ReplayGuard

DEFAULT_LEEWAY = 30.0  # seconds of clock skew allowed on exp, nbf and iat
DEFAULT_REPLAY_WINDOW = 24 * 3600.0  # how long a webhookId is remembered
MAX_BODY_BYTES = 8 * 1024 * 1024
# body key -> the header that repeats it
HEADERS = {
    "webhookId": "webhook-id",
    "event": "webhook-event",
    "version": "webhook-version",
    "callbackUrl": "webhook-callback-url",
}
_DEFAULT_GUARD: Any = object()


def _b64decode(value: str) -> bytes:
    """Base64 in either alphabet, padded or not (the claim's encoding is not pinned down)."""
    text = value.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        raise WebhookMalformedError(f"the {what} is not JSON") from None
    if not isinstance(value, dict):
        raise WebhookMalformedError(f"the {what} is not a JSON object")
    return value


def normalise_url(url: str) -> str:
    """scheme://host[:port]/path?query, scheme and host lower-cased, a default port dropped
    and an empty path as "/": two spellings of one URL compare equal."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("https", 443), ("http", 80)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def _domain(value: str) -> str:
    """A domain claim or setting as compared: lower case, no scheme, no trailing slash."""
    text = value.strip().lower()
    if "://" in text:
        text = urlsplit(text).netloc
    return text.rstrip("/")


@runtime_checkable
class HasItems(Protocol):
    """Headers as frameworks hold them: a dict, ``httpx.Headers``, ``http.server``'s message,
    Starlette's ``Headers``... anything with ``items()``."""

    def items(self) -> Iterable[tuple[Any, Any]]: ...


Headers = Union[HasItems, Iterable[tuple[Any, Any]]]  # noqa: UP007 - a runtime alias on Python 3.10


def _raw_body(body: object) -> bytes:
    """The body as bytes; text is refused (its bytes, which the token signs, are not known)."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    kind = "text" if isinstance(body, str) else type(body).__name__
    raise TypeError(
        f"body: the raw bytes as received are needed to check htb_s256, not {kind} "
        "(read the request body before any JSON parsing: request.body(), rfile.read(...))"
    )


def _header_map(headers: Headers) -> dict[str, str]:
    items = headers.items() if isinstance(headers, HasItems) else headers
    found: dict[str, str] = {}
    for name, value in items:
        key = (name.decode("latin-1") if isinstance(name, bytes) else str(name)).lower()
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        if key in found:  # a repeated header is ambiguous: refused rather than one picked
            raise WebhookMalformedError(f"the {key!r} header appears more than once")
        found[key] = text
    return found


class WebhookVerifier:
    """Verifies ConductorOne webhook deliveries for one tenant and one receiver.

    ``tenant``: ``"acme"``, ``"acme.conductor.one"`` or a custom host; tokens must be issued
    by it (``iss``) and signed by a key of its JWKS (``<server_url>/auth/v1/jwks``, fetched
    from that origin only; ``server_url`` defaults to ``https://<tenant host>``). ``jwks``:
    the key set itself (never fetched). ``audience``: the domain deliveries are addressed to
    (``aud``); by default the host of the URL each delivery came to. ``leeway``: seconds of
    clock skew allowed. ``replay_guard``: where accepted ``webhookId``/``jti`` values are
    remembered (in this process's memory unless given; None turns the check off).
    """

    def __init__(
        self,
        tenant: str,
        *,
        server_url: str | None = None,
        audience: str | None = None,
        jwks: Mapping[str, Any] | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        leeway: float = DEFAULT_LEEWAY,
        replay_guard: ReplayGuard | None = _DEFAULT_GUARD,
        replay_window: float = DEFAULT_REPLAY_WINDOW,
        refetch_interval: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        tenant_origin = tenant_url(tenant, "tenant")
        self.issuer = _domain(tenant_origin)
        self.server_url = check_server_url(server_url, "server_url") if server_url else tenant_origin
        self.audience = _domain(audience) if audience else None
        if leeway < 0:
            raise ValueError("leeway must not be negative")
        self.leeway = float(leeway)
        self.replay_guard: ReplayGuard | None = (
            MemoryReplayGuard(clock=clock) if replay_guard is _DEFAULT_GUARD else replay_guard
        )
        self.replay_window = replay_window
        self._clock = clock
        self.keys = TenantKeys(
            self.server_url,
            jwks=jwks,
            http_client=http_client,
            async_http_client=async_http_client,
            refetch_interval=refetch_interval,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"WebhookVerifier(issuer={self.issuer!r}, server_url={self.server_url!r})"

    def verify(
        self,
        *,
        method: str,
        url: str,
        headers: Headers,
        body: bytes,
    ) -> WebhookEvent:
        """The event of a genuine delivery, or the :class:`WebhookVerificationError` saying
        what did not match. ``url``: the URL ConductorOne called (the public one, behind a
        proxy); ``body``: the raw bytes, before any parsing."""
        body = _raw_body(body)
        received = _header_map(headers)  # once: an iterator of pairs can be read only once
        token, header, signed = self._open(received)
        key = self.keys.key(header.get("kid"), header["alg"])
        return self._finish(token, header, signed, key, method, url, received, body)

    async def verify_async(
        self,
        *,
        method: str,
        url: str,
        headers: Headers,
        body: bytes,
    ) -> WebhookEvent:
        """:meth:`verify`, fetching the JWKS without blocking the event loop."""
        body = _raw_body(body)
        received = _header_map(headers)
        token, header, signed = self._open(received)
        key = await self.keys.akey(header.get("kid"), header["alg"])
        return self._finish(token, header, signed, key, method, url, received, body)

    def _open(self, headers: dict[str, str]) -> tuple[str, dict[str, Any], Any]:
        """The bearer token, its protected header (alg checked) and its unverified JWS."""
        from joserfc.jws import extract_compact

        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise WebhookMalformedError("no 'Authorization: Bearer <token>' header")
        if token.count(".") != 2:
            raise WebhookMalformedError("the bearer token is not a compact JWS (three dot-separated parts)")
        try:
            signed = extract_compact(token.encode("ascii"))
        except Exception:  # joserfc's DecodeError, binascii, UnicodeError...
            raise WebhookMalformedError("the bearer token is not a compact JWS") from None
        header = dict(signed.headers())
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in KEY_TYPES:
            if isinstance(alg, str) and (alg.lower() == "none" or alg.upper().startswith("HS")):
                raise WebhookAlgorithmError(
                    f"the token's alg {printable(alg)[:40]!r} is refused (unsigned or HMAC)"
                )
            raise WebhookAlgorithmError(
                f"the token's alg {printable(str(alg))[:40]!r} is not one of {', '.join(KEY_TYPES)}"
            )
        if "crit" in header:
            raise WebhookAlgorithmError(
                "the token has critical header parameters this receiver does not know"
            )
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise WebhookMalformedError("the token's kid is not a string")
        return token, header, signed

    def _finish(
        self,
        token: str,
        header: dict[str, Any],
        signed: Any,
        key: Any,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
    ) -> WebhookEvent:
        from joserfc.jws import deserialize_compact

        from .._jose import JoseError

        kid = header.get("kid")
        if key is None:
            named = f"kid {printable(kid)[:80]!r}" if kid is not None else "no kid"
            raise WebhookKeyNotFoundError(
                f"the token names {named}, which is not a {header['alg']} key of {self.keys.url}"
            )
        try:
            deserialize_compact(token, key, algorithms=[header["alg"]])
        except JoseError:
            raise WebhookSignatureError(
                f"the token's signature does not verify with the tenant's key ({kid})"
            ) from None
        claims = _json_object(signed.payload, "token's claims set")
        self._check_claims(claims, method, url, body)
        if len(body) > MAX_BODY_BYTES:
            raise WebhookMalformedError(f"the body is larger than {MAX_BODY_BYTES} bytes")
        data = _json_object(body, "body")
        self._check_headers(headers, data)
        event = WebhookEvent.from_body(data, claims, self.server_url)
        self._check_replay(event, claims)
        return event

    def _check_claims(self, claims: dict[str, Any], method: str, url: str, body: bytes) -> None:
        def text(name: str) -> str:
            value = claims.get(name)
            if not isinstance(value, str):
                raise WebhookMalformedError(f"the token has no {name!r} claim (or it is not a string)")
            return value

        if text("c1typ") != "wh":
            raise WebhookTokenTypeError(
                f"c1typ is {printable(claims['c1typ'])[:40]!r}, not 'wh' (not a webhook token)"
            )
        if text("htm").upper() != method.upper():
            raise WebhookMethodMismatchError(
                f"the token is for {printable(claims['htm'])[:20]}, the request came as {printable(method)[:20]}"
            )
        if normalise_url(text("htu")) != normalise_url(url):
            raise WebhookURLMismatchError(
                f"the token is for {printable(claims['htu'])[:300]}, the request came to {printable(url)[:300]}"
                " (behind a proxy, pass the URL ConductorOne called)"
            )
        try:
            expected_digest = _b64decode(text("htb_s256"))
        except (binascii.Error, ValueError):
            raise WebhookMalformedError("htb_s256 is not base64") from None
        if not hmac.compare_digest(expected_digest, hashlib.sha256(body).digest()):
            raise WebhookBodyMismatchError(
                "the body's SHA-256 is not the token's htb_s256: the body was changed"
            )
        if _domain(text("iss")) != self.issuer:
            raise WebhookIssuerError(
                f"the token was issued by {printable(claims['iss'])[:100]!r}, not {self.issuer!r}"
            )
        audience = self.audience or _domain(urlsplit(url).hostname or "")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else None
        if audiences is None or not all(isinstance(a, str) for a in audiences):
            raise WebhookMalformedError("the token has no 'aud' claim (or it is not a string)")
        if audience not in {_domain(a) for a in audiences}:
            raise WebhookAudienceError(
                f"the token is addressed to {printable(', '.join(audiences))[:200]!r}, not {audience!r}"
            )
        self._check_times(claims)

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self._clock()
        for name in ("exp", "nbf", "iat"):
            value = claims.get(name)
            if value is None and name != "exp":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                raise WebhookMalformedError(f"the token's {name!r} claim is missing or not a number")
        if now > claims["exp"] + self.leeway:
            raise WebhookExpiredError(
                f"the token expired {now - claims['exp']:.0f} s ago (leeway {self.leeway:.0f} s)"
            )
        for name in ("nbf", "iat"):
            if name in claims and claims[name] > now + self.leeway:
                raise WebhookNotYetValidError(
                    f"the token's {name} is {claims[name] - now:.0f} s in the future (leeway {self.leeway:.0f} s)"
                )

    def _check_headers(self, headers: dict[str, str], data: dict[str, Any]) -> None:
        for key, header in HEADERS.items():
            if header in headers and data.get(key) is not None and headers[header] != str(data[key]):
                raise WebhookHeaderMismatchError(f"the {header!r} header does not match the body's {key!r}")
        payload, event = data.get("payload"), data.get("event")
        type_url = payload.get("@type") if isinstance(payload, dict) else None
        if isinstance(type_url, str) and isinstance(event, str) and type_url.rsplit("/", 1)[-1] != event:
            raise WebhookHeaderMismatchError(
                f"the payload's @type {printable(type_url)[:200]!r} is not the event {printable(event)[:200]!r}"
            )

    def _check_replay(self, event: WebhookEvent, claims: dict[str, Any]) -> None:
        guard = self.replay_guard
        if guard is None:
            return
        now = self._clock()
        if event.webhook_id and not guard.first_time(f"webhook:{event.webhook_id}", now + self.replay_window):
            raise WebhookReplayError(
                f"webhook {printable(event.webhook_id)[:100]!r} was delivered and accepted before"
            )
        jti = claims.get("jti")
        if (
            isinstance(jti, str)
            and jti
            and not guard.first_time(f"jti:{jti}", max(claims["exp"] + self.leeway, now))
        ):
            raise WebhookReplayError("this token (jti) was used for an accepted delivery before")
