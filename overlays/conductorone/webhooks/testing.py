"""Signed deliveries for your receiver's tests, without ConductorOne.

::

    from conductorone.webhooks import WebhookVerifier
    from conductorone.webhooks.testing import WebhookSigner

    signer = WebhookSigner(tenant="acme")
    verifier = WebhookVerifier("acme", jwks=signer.jwks())   # or http_client=signer.jwks_client()
    delivery = signer.delivery("https://hooks.example.com/c1", "c1.webhooks.v1.PayloadTest", {})
    event = verifier.verify(**delivery.as_kwargs())

The keys are made fresh for each signer: they sign test deliveries only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx

from .._settings import tenant_url
from ._keys import JWKS_PATH

_CURVES = {"EdDSA": ("OKP", "Ed25519"), "ES256": ("EC", "P-256"), "ES384": ("EC", "P-384")}


@attrs.frozen
class SignedDelivery:
    """What ConductorOne would send: pass ``as_kwargs()`` to ``verify``, or send it to a
    running receiver (``httpx.post(delivery.url, headers=delivery.headers, content=delivery.body)``)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    def as_kwargs(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "headers": dict(self.headers), "body": self.body}


class WebhookSigner:
    """A test tenant's signing key (EdDSA, or ES256/ES384) and the deliveries it signs."""

    def __init__(self, tenant: str = "acme", *, algorithm: str = "EdDSA", kid: str | None = None) -> None:
        from joserfc.jwk import ECKey, OKPKey

        if algorithm not in _CURVES:
            raise ValueError(f"algorithm must be one of {', '.join(_CURVES)}")
        kty, curve = _CURVES[algorithm]
        self.algorithm = algorithm
        self.server_url = tenant_url(tenant, "tenant")
        self.issuer = urlsplit(self.server_url).hostname or ""
        self.kid = kid or f"test-{uuid.uuid4().hex[:12]}"
        self._key: Any = (
            OKPKey.generate_key("Ed25519", private=True)
            if kty == "OKP"
            else ECKey.generate_key(curve, private=True)
        )

    def __repr__(self) -> str:
        return f"WebhookSigner(issuer={self.issuer!r}, algorithm={self.algorithm!r}, kid={self.kid!r})"

    def jwks(self) -> dict[str, Any]:
        """The public key set, as ``<tenant>/auth/v1/jwks`` serves it."""
        public = dict(self._key.as_dict(private=False))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": self.algorithm}]}

    def jwks_client(self) -> httpx.Client:
        """An httpx client whose every GET of ``<tenant>/auth/v1/jwks`` is answered with
        :meth:`jwks` in process (give it to ``WebhookVerifier(http_client=...)``)."""
        return httpx.Client(transport=self._transport())

    def jwks_async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport())

    def _transport(self) -> httpx.MockTransport:
        body = json.dumps(self.jwks()).encode()

        def serve(request: httpx.Request) -> httpx.Response:
            if request.method == "GET" and request.url.path == JWKS_PATH:
                return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
            return httpx.Response(404)

        return httpx.MockTransport(serve)

    def token(self, claims: Mapping[str, Any], header: Mapping[str, Any] | None = None) -> str:
        """A compact JWS of ``claims``, signed with this signer's key."""
        from joserfc.jws import serialize_compact

        from .._jose import _REGISTRY  # noqa: F401 - its import silences joserfc's EdDSA notice

        protected = {"alg": self.algorithm, "kid": self.kid, "typ": "JWT", **(header or {})}
        payload = json.dumps(dict(claims), separators=(",", ":")).encode()
        return serialize_compact(protected, payload, self._key, algorithms=[protected["alg"]])

    def sign(
        self,
        url: str,
        body: bytes,
        *,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        audience: str | None = None,
        lifetime: float = 300.0,
        now: float | None = None,
        claims: Mapping[str, Any] | None = None,
    ) -> SignedDelivery:
        """``body`` (raw bytes) to ``url``, signed: the claims ConductorOne sets, ``claims``
        over them (to test a receiver's refusals)."""
        issued = time.time() if now is None else now
        standard = {
            "c1typ": "wh",
            "htm": method.upper(),
            "htu": url,
            "htb_s256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
            "iss": self.issuer,
            "aud": audience or (urlsplit(url).hostname or ""),
            "iat": int(issued),
            "nbf": int(issued),
            "exp": int(issued + lifetime),
            "jti": uuid.uuid4().hex,
        }
        token = self.token({**standard, **(claims or {})})
        sent = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})}
        return SignedDelivery(method=method.upper(), url=url, headers=sent, body=body)

    def delivery(
        self,
        url: str,
        event: str,
        payload: Mapping[str, Any],
        *,
        webhook_id: str | None = None,
        callback_url: str | None = None,
        **options: Any,
    ) -> SignedDelivery:
        """A whole delivery of ``event`` (``"c1.webhooks.v1.PayloadTest"``) with ``payload`` (its
        JSON): the body ConductorOne sends, its ``Webhook-*`` headers, signed."""
        webhook_id = webhook_id or uuid.uuid4().hex
        callback = callback_url or f"{self.server_url}/api/v1/webhooks/callback/{webhook_id}"
        body = {
            "callbackUrl": callback,
            "event": event,
            "payload": {"@type": f"type.googleapis.com/{event}", **payload},
            "version": "v1",
            "webhookId": webhook_id,
        }
        headers = {
            "Webhook-Id": webhook_id,
            "Webhook-Event": event,
            "Webhook-Version": "v1",
            "Webhook-Callback-Url": callback,
            **(options.pop("headers", None) or {}),
        }
        raw = json.dumps(body, separators=(",", ":")).encode()
        return self.sign(url, raw, headers=headers, **options)
