"""Why a webhook delivery was refused: one class per check, each naming what did not match.

No message quotes the delivery's token (it is a bearer credential for as long as it lives).
"""

from __future__ import annotations

from .._exceptions import ConductorOneError


class WebhookVerificationError(ConductorOneError):
    """A delivery that is not a genuine, fresh ConductorOne webhook for this receiver: answer
    it with 401 (or 400) and do not act on it."""


class WebhookMalformedError(WebhookVerificationError):
    """No ``Authorization: Bearer`` token, a token that is not a compact JWS, claims or a
    body that are not JSON objects, or a claim of the wrong type."""


class WebhookAlgorithmError(WebhookVerificationError):
    """The token's ``alg`` is not one a tenant signs with (``none`` and HMAC are refused)."""


class WebhookKeyNotFoundError(WebhookVerificationError):
    """The token's ``kid`` is not in the tenant's JWKS, even after fetching it again."""


class WebhookKeysUnavailableError(WebhookVerificationError):
    """The tenant's JWKS could not be fetched or read."""


class WebhookSignatureError(WebhookVerificationError):
    """The signature does not verify with the tenant's key."""


class WebhookTokenTypeError(WebhookVerificationError):
    """``c1typ`` is not ``"wh"``: a ConductorOne token, but not a webhook's."""


class WebhookMethodMismatchError(WebhookVerificationError):
    """``htm`` is not the HTTP method the delivery came with."""


class WebhookURLMismatchError(WebhookVerificationError):
    """``htu`` is not the URL the receiver was reached at (behind a proxy: pass the public URL)."""


class WebhookBodyMismatchError(WebhookVerificationError):
    """``htb_s256`` is not the SHA-256 of the body received: the body was changed."""


class WebhookIssuerError(WebhookVerificationError):
    """``iss`` is not the configured tenant."""


class WebhookAudienceError(WebhookVerificationError):
    """``aud`` is not the receiver's domain."""


class WebhookExpiredError(WebhookVerificationError):
    """``exp`` has passed (beyond the leeway)."""


class WebhookNotYetValidError(WebhookVerificationError):
    """``nbf`` or ``iat`` is in the future (beyond the leeway)."""


class WebhookHeaderMismatchError(WebhookVerificationError):
    """A ``Webhook-*`` header, or the payload's ``@type``, disagrees with the body."""


class WebhookReplayError(WebhookVerificationError):
    """This ``webhookId`` (or token ``jti``) was seen before: the delivery was processed already."""


class WebhookAnswerError(ConductorOneError, ValueError):
    """An answer the event's response schema does not define, or a callback URL that is not
    on the tenant's own origin."""
