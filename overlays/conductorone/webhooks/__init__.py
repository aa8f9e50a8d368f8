"""Receiving ConductorOne webhooks: verify a delivery, read its typed payload, answer it.

::

    from conductorone.webhooks import WebhookVerifier, WebhookVerificationError

    verifier = WebhookVerifier("acme")  # keys from https://acme.conductor.one/auth/v1/jwks

    def receive(method, url, headers, body):  # your framework's request, the raw body bytes
        try:
            event = verifier.verify(method=method, url=url, headers=headers, body=body)
        except WebhookVerificationError:
            return 401, b""
        return 200, event.approve(comment="ok").to_json()

See the README's "Receiving webhooks" for whole receivers and the 202-then-callback way.
"""

from __future__ import annotations

from ._errors import (
    WebhookAlgorithmError,
    WebhookAnswerError,
    WebhookAudienceError,
    WebhookBodyMismatchError,
    WebhookExpiredError,
    WebhookHeaderMismatchError,
    WebhookIssuerError,
    WebhookKeyNotFoundError,
    WebhookKeysUnavailableError,
    WebhookMalformedError,
    WebhookMethodMismatchError,
    WebhookNotYetValidError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTokenTypeError,
    WebhookURLMismatchError,
    WebhookVerificationError,
)
from ._event import WebhookAnswer, WebhookEvent, decode_any, model_for
from ._replay import MemoryReplayGuard, ReplayGuard
from ._verify import DEFAULT_LEEWAY, WebhookVerifier

__all__ = [
    "DEFAULT_LEEWAY",
    "MemoryReplayGuard",
    "ReplayGuard",
    "WebhookAlgorithmError",
    "WebhookAnswer",
    "WebhookAnswerError",
    "WebhookAudienceError",
    "WebhookBodyMismatchError",
    "WebhookEvent",
    "WebhookExpiredError",
    "WebhookHeaderMismatchError",
    "WebhookIssuerError",
    "WebhookKeyNotFoundError",
    "WebhookKeysUnavailableError",
    "WebhookMalformedError",
    "WebhookMethodMismatchError",
    "WebhookNotYetValidError",
    "WebhookReplayError",
    "WebhookSignatureError",
    "WebhookTokenTypeError",
    "WebhookURLMismatchError",
    "WebhookVerificationError",
    "WebhookVerifier",
    "decode_any",
    "model_for",
]
