"""Sending a request: retries with backoff, errors by status, parsing, pagination.

The generated operation groups hand over ``options`` (``httpx.Client.request`` keyword
arguments) and a ``parse`` function; everything here is the same for every operation.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from conductorone_api.client import NOT_GIVEN, NotGiven

from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ClientClosedError,
    ConductorOneError,
    TokenUnavailableError,
    printable,
    request_id,
    status_error,
    where_sent,
)
from ._pagination import AsyncPages, Cursor, SyncPages
from ._response import DEFAULT_MAX_RESPONSE_BYTES, APIResponse, aread_limited, parse_body, read_limited
from ._settings import Settings
from ._version import __version__

T = TypeVar("T")
USER_AGENT = (
    f"conductorone-api-client/{__version__} "
    f"python/{sys.version_info.major}.{sys.version_info.minor} httpx/{httpx.__version__}"
)
logger = logging.getLogger("conductorone")
LOG_VARIABLE = "CONDUCTORONE_LOG"  # "info": a line per request and response; "debug": and body sizes
# Query parameters whose values are credentials or cursors: logged as "…".
_SECRET_QUERY = ("token", "secret", "password", "key")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5  # seconds; doubled for each retry, with up to 25% jitter taken off
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for: the backoff applies instead

# Failures after which the request certainly did not reach the application: safe to repeat
# whatever the operation does. 408 and 429 say the server did not process the request.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, TokenUnavailableError)
_NOT_PROCESSED_STATUSES = frozenset({408, 429})
# The request could not even be written (a header value with a line break, say): sending it
# again fails the same way, and the library's message may quote the value, so it is not shown.
_UNSENDABLE_ERRORS = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``: seconds or HTTP date; or ``retry-after-ms``)."""
    milliseconds = response.headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


def is_retryable(
    *, idempotent: bool, response: httpx.Response | None = None, error: Exception | None = None
) -> bool:
    """Whether a failed attempt may be repeated without risking a doubled effect."""
    if response is not None:
        status = response.status_code
        return status in _NOT_PROCESSED_STATUSES or (idempotent and status >= 500)
    if isinstance(error, _NOT_SENT_ERRORS):
        return True
    if isinstance(error, _UNSENDABLE_ERRORS):
        return False
    return idempotent and isinstance(error, httpx.TransportError)


def backoff(retries_done: int, response: httpx.Response | None) -> float:
    """Seconds to wait before the next attempt."""
    if response is not None:
        asked = retry_after(response)
        if asked is not None and 0 <= asked <= MAX_RETRY_AFTER:
            return float(asked)
    delay = min(INITIAL_RETRY_DELAY * 2.0**retries_done, MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def _logged(request: httpx.Request, attempt: int, retries: int, reason: str, delay: float) -> float:
    logger.info(
        "retrying %s in %.2f s (retry %d of %d) after %s",
        where_sent(request),
        delay,
        attempt + 1,
        retries,
        reason,
    )
    return delay


def _failed_request(error: httpx.HTTPError, request: httpx.Request) -> httpx.Request:
    """The request that failed: the call's own, or the token request its auth flow sent."""
    with contextlib.suppress(RuntimeError):  # raised when httpx did not record the request
        return error.request
    return request


def _connection_error(error: Exception, request: httpx.Request) -> APIConnectionError:
    if isinstance(error, httpx.HTTPError):
        request = _failed_request(error, request)
    where = where_sent(request)
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"{where} timed out ({type(error).__name__})", request=request)
    if isinstance(error, _UNSENDABLE_ERRORS):
        reason = (
            f"{type(error).__name__}: the request could not be written (a header or URL that is not valid)"
        )
    else:
        reason = printable(str(error)[:300]) or type(error).__name__
    return APIConnectionError(f"{where} failed: {reason}", request=request)


class _StderrUnlessConfigured(logging.StreamHandler):  # type: ignore[type-arg]
    """Prints to stderr only while the application has no handler of its own on the way to the
    root logger: configured logging then gets each line once, through its own handlers."""

    def emit(self, record: logging.LogRecord) -> None:
        holder: logging.Logger | None = logger
        while holder is not None:
            if any(handler is not self for handler in holder.handlers):
                return
            holder = holder.parent if holder.propagate else None
        super().emit(record)


def configure_logging() -> None:
    """``CONDUCTORONE_LOG=info|debug`` turns on the ``conductorone`` logger (to stderr, unless the
    application configured logging)."""
    level = {"info": logging.INFO, "debug": logging.DEBUG}.get(
        os.environ.get(LOG_VARIABLE, "").strip().lower()
    )
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(handler, _StderrUnlessConfigured) for handler in logger.handlers):
        handler = _StderrUnlessConfigured()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def loggable_url(url: httpx.URL) -> str:
    """The URL as sent, but for the values of credential-like query parameters (tokens, cursors);
    control characters escaped."""
    base = f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii').split('?', 1)[0]}"
    if not url.query:
        return base
    shown = [
        f"{name}=…" if any(word in name.lower() for word in _SECRET_QUERY) else f"{name}={value}"
        for name, value in url.params.multi_items()
    ]
    return printable(f"{base}?{'&'.join(shown)}")


def check_retries(value: object, where: str = "max_retries") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where} must be an integer >= 0, not {value!r}")
    return value


def _log_exchange(request: httpx.Request, response: httpx.Response, started: float, attempt: int) -> None:
    """One line per response: method, URL (tokens hidden), status, time, attempt, request id."""
    elapsed = (time.perf_counter() - started) * 1000
    rid = request_id(response)
    size = f", {len(response.content)} bytes" if logger.isEnabledFor(logging.DEBUG) else ""
    logger.info(
        "%s %s -> %d in %.0f ms (attempt %d%s%s)",
        request.method,
        loggable_url(request.url),
        response.status_code,
        elapsed,
        attempt + 1,
        f", request id {rid}" if rid else "",
        size,
    )


Timeout = float | httpx.Timeout | None  # seconds for each phase, httpx's own Timeout, or no limit
_Client = TypeVar("_Client", bound="BaseClient")


def _client_timeout(
    timeout: Timeout | NotGiven, http_client: httpx.Client | httpx.AsyncClient | None
) -> Timeout:
    if not isinstance(timeout, NotGiven):
        return timeout
    # Not given: the user's own httpx client's timeout if there is one, else ours.
    return http_client.timeout if http_client is not None else DEFAULT_TIMEOUT


class BaseClient:
    """What the sync and async clients share: settings, and how each request is made.

    An httpx client passed in is never changed: the server, the credentials, the timeout and
    the User-Agent are applied to each request this client sends, so the same httpx client
    can serve other hosts, and other ConductorOne clients, with nothing of ours attached.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        max_retries: int,
        timeout: Timeout,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> None:
        self.server_url = settings.server_url
        self.max_retries = check_retries(max_retries)
        self.timeout = timeout
        if max_response_bytes is not None and (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1
        ):
            raise ValueError(
                f"max_response_bytes must be a positive integer or None, not {max_response_bytes!r}"
            )
        self.max_response_bytes = max_response_bytes
        self.default_headers: dict[str, str] = dict(default_headers or {})
        self.default_query: dict[str, Any] = dict(default_query or {})
        self._auth = settings.auth
        self._owns_http = True
        self._closed = False
        configure_logging()

    def _configure(self, http: httpx.Client | httpx.AsyncClient) -> None:
        # Only an httpx client we created: it gets the server and the credentials so that its
        # lower-level use (c1.http_client.get("/api/...")) is authenticated too.
        http.base_url = httpx.URL(self.server_url)
        http.auth = self._auth
        http.headers["User-Agent"] = USER_AGENT

    def _prepare(
        self,
        http: httpx.Client | httpx.AsyncClient,
        options: dict[str, Any],
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, Any] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        """``options`` with the client's defaults under, and the call's extras over, its own;
        the URL absolute (a user's httpx client has its own base URL, or none)."""
        prepared = dict(options)
        prepared["url"] = self.server_url + options["url"]
        headers = {**self.default_headers, **(options.get("headers") or {}), **(extra_headers or {})}
        # our User-Agent on a user's httpx client, unless its owner set one of their own
        user_agent = http.headers.get("User-Agent", "")
        if not self._owns_http and "User-Agent" not in headers and user_agent.startswith("python-httpx/"):
            headers["User-Agent"] = USER_AGENT
        params = {**self.default_query, **(options.get("params") or {}), **(extra_query or {})}
        params = {name: value for name, value in params.items() if value is not None}
        for key, value in (("headers", headers), ("params", params)):
            if value:
                prepared[key] = value
            else:
                prepared.pop(key, None)
        if extra_body:
            body = options.get("json")
            if body is not None and not isinstance(body, dict):
                raise TypeError(
                    "extra_body adds fields to a JSON object body; this request's body is not one"
                )
            prepared["json"] = {**(body or {}), **extra_body}
        return prepared

    def _build(
        self, http: httpx.Client | httpx.AsyncClient, options: dict[str, Any], timeout: Timeout | NotGiven
    ) -> httpx.Request:
        if self._closed or http.is_closed:
            raise ClientClosedError(
                f"{type(self).__name__} is closed (or the httpx client it uses is): make a new client"
            )
        try:
            return http.build_request(**options, timeout=self._timeout(timeout))
        except (httpx.InvalidURL, httpx.HTTPError, UnicodeError) as error:
            raise APIConnectionError(
                f"{options['method']} could not be built: {type(error).__name__}: {printable(str(error)[:300])}"
            ) from None

    def with_options(
        self: _Client,
        *,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> _Client:
        """This client with other settings, sharing its connection pool and token cache.

        ``default_headers`` and ``default_query`` are added to (and override) this client's.
        Closing the original closes the connections the copies use.
        """
        changes: dict[str, Any] = {}
        if not isinstance(max_retries, NotGiven):
            changes["max_retries"] = check_retries(max_retries)
        if not isinstance(timeout, NotGiven):
            changes["timeout"] = timeout
        if default_headers:
            changes["default_headers"] = {**self.default_headers, **default_headers}
        if default_query:
            changes["default_query"] = {**self.default_query, **default_query}
        copied: _Client = self._copy(**changes)
        return copied

    @property
    def http_client(self) -> httpx.Client | httpx.AsyncClient:
        raise NotImplementedError

    def _copy(self, **changes: Any) -> Any:
        """A client sharing this one's connections and token cache, with some settings changed."""
        clone = object.__new__(type(self))
        shared = (
            "server_url",
            "max_retries",
            "timeout",
            "max_response_bytes",
            "default_headers",
            "default_query",
            "_auth",
            "_sleep",
        )
        for name in shared:
            setattr(clone, name, getattr(self, name))
        clone._http = self.http_client  # type: ignore[attr-defined]  # created now: shared
        clone._owns_http = False  # the original closes it
        clone._closed = False
        clone._http_lock = getattr(self, "_http_lock", None)  # type: ignore[attr-defined]
        for name, value in changes.items():
            setattr(clone, name, value)
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(server_url={self.server_url!r}, auth={self._auth!r})"

    def __reduce__(self) -> Any:  # pickling would write the credentials out; refuse instead
        raise TypeError(f"{type(self).__name__} cannot be pickled: it holds credentials")

    def _retries(self, max_retries: int | NotGiven | None) -> int:
        # None: the client's, as before NOT_GIVEN existed (it has no other meaning here)
        if max_retries is None or isinstance(max_retries, NotGiven):
            return self.max_retries
        return check_retries(max_retries)

    def _timeout(self, timeout: Timeout | NotGiven) -> Timeout:
        """A call's timeout: not given, the client's; ``None``, no limit."""
        return self.timeout if isinstance(timeout, NotGiven) else timeout

    @staticmethod
    def _retry_or_raise(
        request: httpx.Request,
        attempt: int,
        retries: int,
        idempotent: bool,
        *,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> float:
        """Seconds to wait before the next attempt; or raise the error this failure is."""
        if response is not None:
            if attempt < retries and is_retryable(idempotent=idempotent, response=response):
                return _logged(
                    request, attempt, retries, f"HTTP {response.status_code}", backoff(attempt, response)
                )
            raise status_error(response)
        if isinstance(error, AuthenticationError):
            # The token endpoint failed before the API saw the request: retrying is safe, and
            # worth it when the failure is one that passes (429, 5xx).
            if attempt < retries and (error.status_code == 429 or error.status_code >= 500):
                reason = f"token endpoint HTTP {error.status_code}"
                return _logged(request, attempt, retries, reason, backoff(attempt, error.response))
            raise error
        if isinstance(error, ConductorOneError) and not isinstance(error, TokenUnavailableError):
            raise error  # a response too large, a client closed: the same again if repeated
        if isinstance(error, httpx.HTTPError) and _failed_request(error, request) is not request:
            # The token request failed: the API has not seen this request yet.
            idempotent = True
        if attempt < retries and is_retryable(idempotent=idempotent, error=error):
            return _logged(request, attempt, retries, type(error).__name__, backoff(attempt, None))
        if isinstance(error, TokenUnavailableError):
            raise error
        assert error is not None
        raise _connection_error(error, request) from error


class SyncAPIClient(BaseClient):
    def __init__(
        self,
        settings: Settings,
        http_client: httpx.Client | None,
        *,
        max_retries: int,
        timeout: Timeout | NotGiven,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            settings,
            max_retries=max_retries,
            timeout=_client_timeout(timeout, http_client),
            max_response_bytes=max_response_bytes,
            default_headers=default_headers,
            default_query=default_query,
        )
        self._owns_http = http_client is None  # a client passed in is used as it is, never changed
        self._http = http_client
        self._http_lock = threading.Lock()
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def http_client(self) -> httpx.Client:
        """The ``httpx.Client`` requests go through. One this client created has the base URL and
        auth set, for lower-level use; one you passed in is returned as it is (never changed)."""
        http = self._http
        if http is None:
            # Created on first use: building one loads TLS certificates, which costs more
            # than everything else a client does before its first request.
            with self._http_lock:
                if self._http is None:
                    created = httpx.Client(timeout=self.timeout)
                    self._configure(created)
                    self._http = created
                http = self._http
        return http

    def _send(
        self,
        options: dict[str, Any],
        idempotent: bool,
        max_retries: int | NotGiven,
        timeout: Timeout | NotGiven,
        extras: tuple[Mapping[str, str] | None, Mapping[str, Any] | None, Mapping[str, Any] | None],
    ) -> httpx.Response:
        """The 2xx response to ``options``, after the retries it takes; or the error it is."""
        retries = self._retries(max_retries)
        http = self._http or self.http_client
        options = self._prepare(http, options, *extras)
        attempt = 0
        while True:
            request = self._build(http, options, timeout)
            started = time.perf_counter()
            try:
                # auth per request, redirects never followed: a user's httpx client keeps its
                # own settings, and credentials go to the server's origin only
                response = http.send(request, auth=self._auth, follow_redirects=False, stream=True)
                try:
                    read_limited(response, self.max_response_bytes)
                except BaseException:
                    response.close()
                    raise
            except (httpx.HTTPError, httpx.StreamError, ConductorOneError) as error:
                delay = self._retry_or_raise(request, attempt, retries, idempotent, error=error)
            else:
                if logger.isEnabledFor(logging.INFO):
                    _log_exchange(request, response, started, attempt)
                if response.is_success:
                    return response
                delay = self._retry_or_raise(request, attempt, retries, idempotent, response=response)
            self._sleep(delay)
            attempt += 1

    def request(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> T:
        extras = (extra_headers, extra_query, extra_body)
        return parse_body(self._send(options, idempotent, max_retries, timeout, extras), parse)

    def request_raw(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> APIResponse[T]:
        """As :meth:`request` (retries, typed errors), returning the whole 2xx response."""
        extras = (extra_headers, extra_query, extra_body)
        return APIResponse(self._send(options, idempotent, max_retries, timeout, extras), parse)

    def paginate(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], Any],
        *,
        container: str,
        cursor: str,
        items: str,
        next_cursor: str,
        idempotent: bool,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> SyncPages[Any, Any]:
        # each page's request gets the defaults and extras (in request), once
        cursor_rule = Cursor(container, cursor, items, next_cursor)
        extras = {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body}

        def fetch(page_options: dict[str, Any]) -> Any:
            return self.request(
                page_options, parse, idempotent=idempotent, max_retries=max_retries, timeout=timeout, **extras
            )

        return SyncPages(options, cursor_rule, fetch)

    def close(self) -> None:
        """Close the connections (of an httpx client we created; one you passed in stays yours)."""
        self._closed = True
        if self._owns_http and self._http is not None:
            self._http.close()


class AsyncAPIClient(BaseClient):
    def __init__(
        self,
        settings: Settings,
        http_client: httpx.AsyncClient | None,
        *,
        max_retries: int,
        timeout: Timeout | NotGiven,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            settings,
            max_retries=max_retries,
            timeout=_client_timeout(timeout, http_client),
            max_response_bytes=max_response_bytes,
            default_headers=default_headers,
            default_query=default_query,
        )
        self._owns_http = http_client is None  # a client passed in is used as it is, never changed
        self._http = http_client
        import asyncio  # here, not at the top: sync users need not import it

        self._sleep: Callable[[float], Any] = asyncio.sleep

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` requests go through (see :attr:`SyncAPIClient.http_client`)."""
        if self._http is None:  # created on first use, see SyncAPIClient.http_client
            created = httpx.AsyncClient(timeout=self.timeout)
            self._configure(created)
            self._http = created
        return self._http

    async def _send(
        self,
        options: dict[str, Any],
        idempotent: bool,
        max_retries: int | NotGiven,
        timeout: Timeout | NotGiven,
        extras: tuple[Mapping[str, str] | None, Mapping[str, Any] | None, Mapping[str, Any] | None],
    ) -> httpx.Response:
        """The 2xx response to ``options``, after the retries it takes; or the error it is."""
        retries = self._retries(max_retries)
        http = self._http or self.http_client
        options = self._prepare(http, options, *extras)
        attempt = 0
        while True:
            request = self._build(http, options, timeout)
            started = time.perf_counter()
            try:
                response = await http.send(request, auth=self._auth, follow_redirects=False, stream=True)
                try:
                    await aread_limited(response, self.max_response_bytes)
                except BaseException:
                    await response.aclose()
                    raise
            except (httpx.HTTPError, httpx.StreamError, ConductorOneError) as error:
                delay = self._retry_or_raise(request, attempt, retries, idempotent, error=error)
            else:
                if logger.isEnabledFor(logging.INFO):
                    _log_exchange(request, response, started, attempt)
                if response.is_success:
                    return response
                delay = self._retry_or_raise(request, attempt, retries, idempotent, response=response)
            await self._sleep(delay)
            attempt += 1

    async def request(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> T:
        extras = (extra_headers, extra_query, extra_body)
        return parse_body(await self._send(options, idempotent, max_retries, timeout, extras), parse)

    async def request_raw(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> APIResponse[T]:
        """As :meth:`request` (retries, typed errors), returning the whole 2xx response."""
        extras = (extra_headers, extra_query, extra_body)
        return APIResponse(await self._send(options, idempotent, max_retries, timeout, extras), parse)

    def paginate(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], Any],
        *,
        container: str,
        cursor: str,
        items: str,
        next_cursor: str,
        idempotent: bool,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPages[Any, Any]:
        # each page's request gets the defaults and extras (in request), once
        cursor_rule = Cursor(container, cursor, items, next_cursor)
        extras = {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body}

        async def fetch(page_options: dict[str, Any]) -> Any:
            return await self.request(
                page_options, parse, idempotent=idempotent, max_retries=max_retries, timeout=timeout, **extras
            )

        return AsyncPages(options, cursor_rule, fetch)

    async def close(self) -> None:
        """Close the connections (of an httpx client we created; one you passed in stays yours)."""
        self._closed = True
        if self._owns_http and self._http is not None:
            await self._http.aclose()
