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
import math
import secrets
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from ._credentials import ClientId, ClientSecret
from ._exceptions import AuthenticationError, ConductorOneError, TokenUnavailableError, decode_json
from ._response import MAX_AUTH_RESPONSE_BYTES, aread_limited, read_limited

if TYPE_CHECKING:
    import asyncio

TOKEN_PATH = "/auth/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
ASSERTION_LIFETIME = 120  # seconds either side of now: nbf = now - 2 min, exp = now + 2 min
DEFAULT_EXPIRES_IN = 300  # when the token response does not say
MAX_TOKEN_LIFETIME = 86400.0  # a longer (or infinite) expires_in is kept for a day at most


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


class _Flight:
    """One token request in progress. Calls that need a token meanwhile wait for its outcome
    instead of sending their own: one token request per expiry or revocation, however many
    threads or tasks ask. ``done`` is a ``threading.Event`` (sync) or an ``asyncio.Event``."""

    __slots__ = ("done", "failure", "token")

    def __init__(self, done: Any) -> None:
        self.done = done
        self.token: str | None = None
        self.failure: ConductorOneError | None = None

    def outcome(self) -> str:
        """The token it fetched, or the error a waiting call raises (a new one: each call its own)."""
        if self.token is not None:
            return self.token
        failure = self.failure
        if isinstance(failure, AuthenticationError):
            copy = AuthenticationError(failure.message, response=failure.response, body=failure.body)
            copy.error, copy.error_description = failure.error, failure.error_description
            raise copy
        raise TokenUnavailableError(
            "no access token: the token request another call made for it failed"
            + (f" ({failure})" if failure is not None else " or was cancelled")
        )


def _wait_limit(request: httpx.Request) -> float | None:
    """How long a call waits for another call's token request: that request's own time limits
    (pool + connect + write + read), plus a second; ``None`` when any of them is unlimited."""
    timeout = request.extensions.get("timeout")
    if not isinstance(timeout, dict):
        return None
    total = 1.0
    for phase in ("pool", "connect", "write", "read"):
        seconds = timeout.get(phase)
        if seconds is None:
            return None
        total += float(seconds)
    return total


class OAuthTokenAuth(httpx.Auth):
    """Gets access tokens from ``{server}/auth/v1/token``, caches and refreshes them.

    Subclasses say what to put in the token request's form (:meth:`_token_form`).

    httpx's auth-flow contract is kept: every response the flow is handed is read (bounded)
    before the flow yields its next request or waits, so no call holds a pooled connection
    while it waits for another call's token request.
    """

    requires_request_body = True  # a request retried after a 401 must be sent again whole

    def __init__(self, server_url: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._token_url = server_url.rstrip("/") + TOKEN_PATH
        self._audience = urlsplit(self._token_url).hostname or ""
        self._clock = clock
        self._token: _CachedToken | None = None
        self._state_lock = threading.Lock()  # guards _token and the flights; never held across I/O
        self._flight: _Flight | None = None
        # One flight per event loop (an asyncio.Event belongs to one loop), forgotten with the loop.
        self._async_flights: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Flight] = (
            weakref.WeakKeyDictionary()
        )

    def _token_form(self) -> dict[str, str]:
        raise NotImplementedError

    def __reduce__(self) -> Any:  # pickling would write credentials out; refuse instead
        raise TypeError(f"{type(self).__name__} cannot be pickled: it holds credentials")

    # -- shared steps (no I/O) ------------------------------------------------------------
    def _valid_token(self) -> str | None:
        token = self._token
        return token.value if token is not None and self._clock() < token.expires_at else None

    def _join(
        self, rejected: str | None, make_done: Callable[[], Any], loop: Any
    ) -> str | tuple[_Flight, bool]:
        """A usable cached token; else the flight to wait for, and whether this call leads it.

        ``rejected`` is the token the API just answered 401 to: it is dropped from the cache
        (unless a newer one is there already, fetched by another call meanwhile).
        """
        with self._state_lock:
            current = self._valid_token()
            if current is not None and current != rejected:
                return current
            if rejected is not None and self._token is not None and self._token.value == rejected:
                self._token = None
            flight = self._flight if loop is None else self._async_flights.get(loop)
            if flight is not None:
                return flight, False
            flight = _Flight(make_done())
            if loop is None:
                self._flight = flight
            else:
                self._async_flights[loop] = flight
            return flight, True

    def _land(self, flight: _Flight, loop: Any) -> None:
        """The flight is over (fetched, refused or abandoned): later calls start a new one."""
        with self._state_lock:
            if loop is None:
                if self._flight is flight:
                    self._flight = None
            elif self._async_flights.get(loop) is flight:
                del self._async_flights[loop]

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
        """Cache and return the token from a (read) token response, or raise AuthenticationError."""
        status = response.status_code
        if response.has_redirect_location:
            # Never followed: the form carries the credential, and it belongs to this origin only.
            raise AuthenticationError(
                f"HTTP {status} from the token endpoint: a redirect, not followed "
                "(credentials are sent to the token endpoint's own origin only)",
                response=response,
            )
        try:
            body: Any = decode_json(response)
        except ValueError:
            body = None
        fields = body if isinstance(body, dict) else {}
        if status != 200:
            raise AuthenticationError(
                f"HTTP {status} from the token endpoint: it refused to issue an access token",
                response=response,
                body=body,
                error=_text(fields.get("error")),
                error_description=_text(fields.get("error_description")),
            )
        if not isinstance(body, dict):
            raise AuthenticationError(
                "HTTP 200 from the token endpoint, but its body is not a JSON object", response=response
            )
        token = fields.get("access_token")
        if not isinstance(token, str) or not token or not _is_header_safe(token):
            raise AuthenticationError(
                "HTTP 200 from the token endpoint, but without a usable access token", response=response
            )
        lifetime = token_lifetime(fields.get("expires_in"))
        now = self._clock()
        # Refresh a little early: 10% of the lifetime, at most a minute. A token that is
        # already expired (expires_in <= 0) serves the calls waiting for it, and is not kept.
        expires_at = now if lifetime is None else now + lifetime - min(60.0, lifetime / 10)
        self._token = _CachedToken(token, expires_at)
        return token

    @staticmethod
    def _authorized(request: httpx.Request, token: str) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    # -- the flows ------------------------------------------------------------------------
    # Both flows: a token (cached, or fetched by this call or by another one it waits for),
    # the request; on a 401 the rejected token is dropped, a fresh one got the same way, and
    # the request sent once more. Whatever the second answer is, it is the caller's.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.requires_request_body:
            request.read()
        rejected: str | None = None
        for attempt in range(2):
            joined = self._join(rejected, threading.Event, None)
            if isinstance(joined, str):
                token = joined
            elif joined[1]:  # this call leads: it sends the token request
                flight = joined[0]
                try:
                    token_response = yield self._token_request(request)
                    read_limited(token_response, MAX_AUTH_RESPONSE_BYTES)
                    token = flight.token = self._accept(token_response)
                except ConductorOneError as error:
                    flight.failure = error
                    raise
                finally:  # also when httpx abandons the flow (its token request failed)
                    self._land(flight, None)
                    flight.done.set()
            else:
                if not joined[0].done.wait(_wait_limit(request)):
                    raise TokenUnavailableError(WAIT_TIMED_OUT)
                token = joined[0].outcome()
            response = yield self._authorized(request, token)
            if response.status_code != 401 or attempt:
                return
            # Read before waiting or yielding: it frees the connection (a pool smaller than the
            # number of waiting calls would otherwise starve the token request).
            read_limited(response, MAX_AUTH_RESPONSE_BYTES)
            rejected = token

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        import asyncio  # only async users pay for importing it, and they have already

        if self.requires_request_body:
            await request.aread()
        loop = asyncio.get_running_loop()
        rejected: str | None = None
        for attempt in range(2):
            joined = self._join(rejected, asyncio.Event, loop)
            if isinstance(joined, str):
                token = joined
            elif joined[1]:  # this call leads: it sends the token request
                flight = joined[0]
                try:
                    token_response = yield self._token_request(request)
                    await aread_limited(token_response, MAX_AUTH_RESPONSE_BYTES)
                    token = flight.token = self._accept(token_response)
                except ConductorOneError as error:
                    flight.failure = error
                    raise
                finally:
                    self._land(flight, loop)
                    flight.done.set()
            else:
                try:
                    await asyncio.wait_for(joined[0].done.wait(), _wait_limit(request))
                except asyncio.TimeoutError:
                    raise TokenUnavailableError(WAIT_TIMED_OUT) from None
                token = joined[0].outcome()
            response = yield self._authorized(request, token)
            if response.status_code != 401 or attempt:
                return
            await aread_limited(response, MAX_AUTH_RESPONSE_BYTES)
            rejected = token


WAIT_TIMED_OUT = "no access token: timed out waiting for the token request of another call"


def token_lifetime(value: object) -> float | None:
    """Seconds a token lives by its ``expires_in``, clamped to a day; ``None``: do not keep it
    (0, negative, NaN or not a number: the server says it is expired or says nothing usable)."""
    if value is None:
        return float(DEFAULT_EXPIRES_IN)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an integer too large for a float: "for ever", clamped below
        seconds = math.inf
    except ValueError:
        return None
    if math.isnan(seconds) or seconds <= 0:
        return None
    return min(seconds, MAX_TOKEN_LIFETIME)


def _is_header_safe(value: str) -> bool:
    return value.isprintable() and value.isascii() and value.strip() == value


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

    def __reduce__(self) -> Any:  # pickling would write the token out; refuse instead
        raise TypeError("BearerTokenAuth cannot be pickled: it holds credentials")
