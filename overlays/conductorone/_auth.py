"""Authentication as ``httpx.Auth`` flows: client credentials, token exchange, static token.

ConductorOne's OAuth2 client-credentials flow sends the credentials in the request *body*
as a signed private-key JWT assertion (EdDSA). The token is cached and refreshed shortly
before it expires; however many threads or tasks need a token at once, one token request
is in flight. A 401 from the API refreshes the token once and retries the request once.

The token request goes through the same httpx client (and transport) as the API call,
yielded from the auth flow, so custom transports, proxies and test transports see it too.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from ._credentials import ClientId, ClientSecret
from ._exceptions import AuthenticationError

if TYPE_CHECKING:
    import asyncio

TOKEN_PATH = "/auth/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
ASSERTION_LIFETIME = 120  # seconds either side of now: nbf = now - 2 min, exp = now + 2 min
DEFAULT_EXPIRES_IN = 300  # when the token response does not say


def sign_assertion(client_id: str, secret: ClientSecret, audience: str, now: float | None = None) -> str:
    """A fresh compact JWS asserting ``client_id`` to the token host ``audience``."""
    from ._jose import encode_jwt

    issued = int(time.time() if now is None else now)
    header = {
        "alg": "EdDSA",
        "typ": "JWT",
        "nonce": base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii"),
    }
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": issued,
        "nbf": issued - ASSERTION_LIFETIME,
        "exp": issued + ASSERTION_LIFETIME,
    }
    return encode_jwt(header, claims, secret.key)


class _CachedToken:
    __slots__ = ("expires_at", "value")

    def __init__(self, value: str, expires_at: float) -> None:
        self.value = value
        self.expires_at = expires_at


class OAuthTokenAuth(httpx.Auth):
    """Gets access tokens from ``{server}/auth/v1/token``, caches and refreshes them.

    Subclasses say what to put in the token request's form (:meth:`_token_form`).
    """

    requires_request_body = True  # a request retried after a 401 must be sent again whole

    def __init__(self, server_url: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._token_url = server_url.rstrip("/") + TOKEN_PATH
        self._audience = urlsplit(self._token_url).hostname or ""
        self._clock = clock
        self._token: _CachedToken | None = None
        self._thread_lock = threading.Lock()
        # One asyncio lock per event loop, forgotten with the loop (a lock belongs to one loop).
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._async_locks_guard = threading.Lock()

    def _token_form(self) -> dict[str, str]:
        raise NotImplementedError

    # -- shared steps (no I/O) ------------------------------------------------------------
    def _valid_token(self) -> str | None:
        token = self._token
        return token.value if token is not None and self._clock() < token.expires_at else None

    def _token_request(self, for_request: httpx.Request) -> httpx.Request:
        # Requests yielded by an auth flow skip the client's timeout defaults; without this
        # the token request would wait for ever on a stalled token endpoint.
        timeout = for_request.extensions.get("timeout")
        return httpx.Request(
            "POST",
            self._token_url,
            data=self._token_form(),
            headers={"Accept": "application/json"},
            extensions={"timeout": timeout} if timeout is not None else {},
        )

    def _accept(self, response: httpx.Response) -> str:
        """Cache and return the token from a token response, or raise AuthenticationError."""
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        fields = body if isinstance(body, dict) else {}
        status = response.status_code
        if status != 200:
            raise AuthenticationError(
                f"HTTP {status} from the token endpoint: it refused to issue an access token",
                response=response,
                body=body,
                error=_text(fields.get("error")),
                error_description=_text(fields.get("error_description")),
            )
        if body is None:
            raise AuthenticationError(
                "HTTP 200 from the token endpoint, but its body is not JSON", response=response
            )
        token = fields.get("access_token")
        if not isinstance(token, str) or not token:
            raise AuthenticationError(
                "HTTP 200 from the token endpoint, but without an access token", response=response, body=body
            )
        lifetime = fields.get("expires_in")
        seconds = (
            float(lifetime) if isinstance(lifetime, (int, float)) and lifetime > 0 else DEFAULT_EXPIRES_IN
        )
        # Refresh a little early: 10% of the lifetime, at most a minute.
        self._token = _CachedToken(token, self._clock() + seconds - min(60.0, seconds / 10))
        return token

    def _replacement_for(self, rejected: str) -> str | None:
        """A token newer than ``rejected`` that another request already fetched, if any."""
        current = self._valid_token()
        return current if current is not None and current != rejected else None

    @staticmethod
    def _authorized(request: httpx.Request, token: str) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    # -- the flows ------------------------------------------------------------------------
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.requires_request_body:
            request.read()
        token = self._valid_token()
        if token is None:
            with self._thread_lock:  # one token request at a time; the rest wait and reuse it
                token = self._valid_token()
                if token is None:
                    token_response = yield self._token_request(request)
                    token_response.read()
                    token = self._accept(token_response)
        response = yield self._authorized(request, token)
        if response.status_code != 401:
            return
        with self._thread_lock:
            fresh = self._replacement_for(token)
            if fresh is None:
                self._token = None
                token_response = yield self._token_request(request)
                token_response.read()
                fresh = self._accept(token_response)
        response.close()
        yield self._authorized(request, fresh)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.requires_request_body:
            await request.aread()
        lock = self._async_lock()
        token = self._valid_token()
        if token is None:
            async with lock:
                token = self._valid_token()
                if token is None:
                    token_response = yield self._token_request(request)
                    await token_response.aread()
                    token = self._accept(token_response)
        response = yield self._authorized(request, token)
        if response.status_code != 401:
            return
        async with lock:
            fresh = self._replacement_for(token)
            if fresh is None:
                self._token = None
                token_response = yield self._token_request(request)
                await token_response.aread()
                fresh = self._accept(token_response)
        await response.aclose()
        yield self._authorized(request, fresh)

    def _async_lock(self) -> asyncio.Lock:
        """This event loop's lock: token requests are deduplicated among its tasks."""
        import asyncio  # only async users pay for importing it, and they have already

        loop = asyncio.get_running_loop()
        with self._async_locks_guard:  # not _thread_lock: a sync caller holds that during a token request
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = asyncio.Lock()
            return lock


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class ClientCredentialsAuth(OAuthTokenAuth):
    """OAuth2 client credentials with a signed EdDSA client assertion in the request body."""

    def __init__(
        self, client_id: ClientId, client_secret: ClientSecret, server_url: str, **kwargs: Any
    ) -> None:
        super().__init__(server_url, **kwargs)
        self._client_id = client_id
        self._secret = client_secret

    def _token_form(self) -> dict[str, str]:
        client_id = str(self._client_id)
        return {
            "client_id": client_id,
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": sign_assertion(client_id, self._secret, self._audience),
        }

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={str(self._client_id)!r}, client_secret=<redacted>)"


class TokenExchangeAuth(OAuthTokenAuth):
    """RFC 8693 token exchange: an external OIDC token for a ConductorOne access token."""

    def __init__(self, client_id: ClientId, oidc_token: str, server_url: str, **kwargs: Any) -> None:
        super().__init__(server_url, **kwargs)
        self._client_id = client_id
        self._oidc_token = oidc_token

    def _token_form(self) -> dict[str, str]:
        return {
            "client_id": str(self._client_id),
            "grant_type": TOKEN_EXCHANGE_GRANT,
            "subject_token": self._oidc_token,
            "subject_token_type": JWT_TOKEN_TYPE,
        }

    def __repr__(self) -> str:
        return f"TokenExchangeAuth(client_id={str(self._client_id)!r}, oidc_token=<redacted>)"


class BearerTokenAuth(httpx.Auth):
    """A ready access token, sent as is (no refresh: it is the caller's to renew)."""

    def __init__(self, access_token: str) -> None:
        self._access_token = access_token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._access_token}"
        yield request

    def __repr__(self) -> str:
        return "BearerTokenAuth(access_token=<redacted>)"
