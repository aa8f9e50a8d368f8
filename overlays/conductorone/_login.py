"""Logging in from a browser: the OAuth device-code flow (RFC 8628), then a personal client.

1. ``POST /auth/v1/device_authorization`` (form ``client_id``: a public OAuth client) gives a
   device code, a user code and the URL where the person confirms it.
2. ``POST /auth/v1/token`` (``grant_type=urn:ietf:params:oauth:grant-type:device_code``) every
   ``interval`` seconds until ``expires_in``: ``authorization_pending`` waits, ``slow_down``
   waits 5 s longer from then on (RFC 8628 §3.5), anything else ends the login.
3. With that access token, ``POST /api/v1/iam/personal_clients`` creates the person's own
   client credentials, which the client then uses as any others.

The flow is one generator (:func:`_flow`) yielding what it needs done (a request, a wait, the
code to show); :func:`login` and :func:`login_async` only carry those out, so sync and async
cannot drift apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import platform
import threading
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Union

import attrs
import httpx

from ._credentials import ClientId, ClientSecret
from ._exceptions import APIConnectionError, ConductorOneError, CredentialsError, printable
from ._response import MAX_AUTH_RESPONSE_BYTES, aread_limited, read_limited
from ._settings import check_server_url, tenant_url
from ._version import __version__

# The public OAuth client the official Go SDK logs in with (cone has its own).
DEFAULT_LOGIN_CLIENT_ID = "2RCzHlak5q7CY14SdBc8HoZEJRf"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5: each slow_down adds 5 s to the interval
DEFAULT_INTERVAL = 5.0  # RFC 8628 §3.2: when the server names none
DEFAULT_TIMEOUT = 30.0


class LoginError(ConductorOneError):
    """The login did not complete; the message says why (the server's words when it gave some)."""


class LoginDeniedError(LoginError):
    """The person declined the request (``access_denied``)."""


class LoginExpiredError(LoginError):
    """The code expired before the person confirmed it (``expired_token``, or ``expires_in`` passed)."""


class LoginCancelledError(LoginError):
    """The login was cancelled (``cancel`` was set) while waiting for the person."""


@attrs.frozen(repr=False)
class DeviceCode:
    """What the person must see: open ``verification_uri_complete`` (it carries the code) or
    ``verification_uri`` and type ``user_code``, within ``expires_in`` seconds."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: float
    interval: float
    device_code: str  # sent back when polling; not shown

    def __repr__(self) -> str:
        return f"DeviceCode(user_code={self.user_code!r}, verification_uri_complete={self.verification_uri_complete!r})"


@attrs.frozen(repr=False)
class LoginResult:
    """The personal client created: pass it to ``ConductorOne(client_id=..., client_secret=...)``
    or store it with :func:`conductorone.save_profile` (the CLI does)."""

    client_id: str
    client_secret: str
    server_url: str

    def __repr__(self) -> str:
        return f"LoginResult(client_id={self.client_id!r}, server_url={self.server_url!r}, client_secret=<redacted>)"

    def __reduce__(self) -> Any:  # pickling would write the secret out; refuse instead
        raise TypeError("a LoginResult holds a client secret and cannot be pickled")


@attrs.frozen
class _Request:
    method: str
    url: str
    form: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    token: str | None = None  # a bearer token for this request


@attrs.frozen
class _Wait:
    seconds: float
    remaining: float  # until the code expires


Step = Union[_Request, _Wait, DeviceCode]  # noqa: UP007 - a runtime alias on Python 3.10


def _answer(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise LoginError(f"{what} answered {response.status_code} with a body that is not a JSON object")
    return data


def _number(data: dict[str, Any], key: str, default: float | None, what: str) -> float:
    value = data.get(key, default)
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < 86400 * 7
    ):
        raise LoginError(f"{what}: {key!r} is missing or not a sensible number of seconds")
    return float(value)


def _text(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise LoginError(f"{what}: the answer has no {key!r}")
    return value


def _oauth_error(data: dict[str, Any]) -> tuple[str, str]:
    error = data.get("error")
    description = data.get("error_description")
    return (
        error if isinstance(error, str) else "",
        printable(description)[:300] if isinstance(description, str) else "",
    )


def _flow(
    server: str, login_client_id: str, display_name: str, clock: Callable[[], float]
) -> Generator[Step, Any, LoginResult]:
    what = f"POST {server}/auth/v1/device_authorization"
    response = yield _Request(
        "POST", f"{server}/auth/v1/device_authorization", form={"client_id": login_client_id}
    )
    data = _answer(response, what)
    if response.status_code != 200:
        error, description = _oauth_error(data)
        raise LoginError(f"{what} answered {response.status_code}: {error or 'error'} {description}".rstrip())
    verification_uri = data.get("verification_uri") or data.get("verification_uri_complete")
    code = DeviceCode(
        user_code=_text(data, "user_code", what),
        verification_uri=verification_uri if isinstance(verification_uri, str) else "",
        verification_uri_complete=_text(data, "verification_uri_complete", what),
        expires_in=_number(data, "expires_in", None, what),
        interval=_number(data, "interval", DEFAULT_INTERVAL, what),
        device_code=_text(data, "device_code", what),
    )
    yield code
    deadline = clock() + code.expires_in
    interval = code.interval
    poll = f"POST {server}/auth/v1/token"
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            raise LoginExpiredError(
                f"the code {code.user_code} expired before it was confirmed: log in again"
            )
        yield _Wait(min(interval, remaining), remaining)
        response = yield _Request(
            "POST",
            f"{server}/auth/v1/token",
            form={"grant_type": DEVICE_GRANT, "device_code": code.device_code, "client_id": login_client_id},
        )
        data = _answer(response, poll)
        if response.status_code == 200:
            access_token = _text(data, "access_token", poll)
            break
        error, description = _oauth_error(data)
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_STEP
            continue
        detail = f": {description}" if description else ""
        if error == "access_denied":
            raise LoginDeniedError(f"the login was declined{detail}")
        if error == "expired_token":
            raise LoginExpiredError(f"the code {code.user_code} expired before it was confirmed{detail}")
        raise LoginError(f"{poll} answered {response.status_code}: {error or 'an error'}{detail}")
    created = f"POST {server}/api/v1/iam/personal_clients"
    response = yield _Request(
        "POST",
        f"{server}/api/v1/iam/personal_clients",
        json={"displayName": display_name},
        token=access_token,
    )
    data = _answer(response, created)
    if not response.is_success:
        message = data.get("message")
        said = f": {printable(message)[:300]}" if isinstance(message, str) else ""
        raise LoginError(f"{created} answered {response.status_code}{said}")
    client = data.get("client")
    client_id = client.get("clientId") if isinstance(client, dict) else None
    client_secret = data.get("clientSecret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        raise LoginError(f"{created}: the answer has no client.clientId and clientSecret")
    try:
        ClientId(client_id)
        ClientSecret(client_secret)
    except CredentialsError as error:
        raise LoginError(f"{created}: the credentials it answered are not valid ({error})") from None
    return LoginResult(client_id=client_id, client_secret=client_secret.strip(), server_url=server)


def _server(tenant: str | None, server_url: str | None) -> str:
    if server_url:
        return check_server_url(server_url, "server_url")
    if tenant:
        return tenant_url(tenant, "tenant")
    raise CredentialsError(
        "log in to which tenant? pass tenant= (acme, or acme.conductor.one) or server_url="
    )


def _display_name(name: str | None) -> str:
    return name or f"conductorone-python {__version__} on {platform.node() or 'this machine'}"


def _build(http: httpx.Client | httpx.AsyncClient, step: _Request, timeout: float) -> httpx.Request:
    headers = {"Accept": "application/json", "User-Agent": f"conductorone-python/{__version__}"}
    if step.token:
        headers["Authorization"] = f"Bearer {step.token}"
    return http.build_request(
        step.method, step.url, data=step.form, json=step.json, headers=headers, timeout=timeout
    )


def _failed(step: _Request, error: Exception) -> APIConnectionError:
    return APIConnectionError(
        f"{step.method} {step.url} failed: {type(error).__name__}: {printable(str(error))[:200]}"
    )


def login(
    tenant: str | None = None,
    *,
    server_url: str | None = None,
    on_code: Callable[[DeviceCode], None] | None = None,
    on_wait: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    login_client_id: str = DEFAULT_LOGIN_CLIENT_ID,
    display_name: str | None = None,
    http_client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
) -> LoginResult:
    """Log in as a person, in the browser, and create their personal client credentials.

    ``on_code`` receives the :class:`DeviceCode` to show (the URL and the user code); it
    prints them when not given. ``on_wait`` receives the seconds left before each wait.
    ``cancel``: set it (from another thread) to stop waiting (:class:`LoginCancelledError`).
    ``login_client_id``: the public OAuth client to log in with. ``clock``/``sleep``: for tests.
    Every failure is a :class:`LoginError` (or an ``APIConnectionError`` when the tenant
    cannot be reached)."""
    server = _server(tenant, server_url)
    flow = _flow(server, login_client_id, _display_name(display_name), clock)
    http = http_client or httpx.Client()
    try:
        answer: Any = None
        while True:
            try:
                step = flow.send(answer)
            except StopIteration as done:
                result: LoginResult = done.value
                return result
            answer = None
            if isinstance(step, DeviceCode):
                (on_code or _print_code)(step)
            elif isinstance(step, _Wait):
                if on_wait is not None:
                    on_wait(step.remaining)
                if sleep is not None:
                    sleep(step.seconds)
                if cancel is not None and (cancel.is_set() or (sleep is None and cancel.wait(step.seconds))):
                    raise LoginCancelledError("the login was cancelled")
                if sleep is None and cancel is None:
                    time.sleep(step.seconds)
            else:
                try:
                    response = http.send(_build(http, step, timeout), stream=True, follow_redirects=False)
                    try:
                        read_limited(response, MAX_AUTH_RESPONSE_BYTES)
                    finally:
                        response.close()
                except (httpx.HTTPError, httpx.StreamError) as error:
                    raise _failed(step, error) from None
                answer = response
    finally:
        flow.close()
        if http_client is None:
            http.close()


async def login_async(
    tenant: str | None = None,
    *,
    server_url: str | None = None,
    on_code: Callable[[DeviceCode], None] | None = None,
    on_wait: Callable[[float], None] | None = None,
    cancel: asyncio.Event | None = None,
    login_client_id: str = DEFAULT_LOGIN_CLIENT_ID,
    display_name: str | None = None,
    http_client: httpx.AsyncClient | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> LoginResult:
    """:func:`login` for asyncio; cancelling the task (or setting ``cancel``) stops it."""
    server = _server(tenant, server_url)
    flow = _flow(server, login_client_id, _display_name(display_name), clock)
    http = http_client or httpx.AsyncClient()
    try:
        answer: Any = None
        while True:
            try:
                step = flow.send(answer)
            except StopIteration as done:
                result: LoginResult = done.value
                return result
            answer = None
            if isinstance(step, DeviceCode):
                (on_code or _print_code)(step)
            elif isinstance(step, _Wait):
                if on_wait is not None:
                    on_wait(step.remaining)
                if sleep is not None:
                    await sleep(step.seconds)
                elif cancel is not None:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(cancel.wait(), step.seconds)
                else:
                    await asyncio.sleep(step.seconds)
                if cancel is not None and cancel.is_set():
                    raise LoginCancelledError("the login was cancelled")
            else:
                try:
                    response = await http.send(
                        _build(http, step, timeout), stream=True, follow_redirects=False
                    )
                    try:
                        await aread_limited(response, MAX_AUTH_RESPONSE_BYTES)
                    finally:
                        await response.aclose()
                except (httpx.HTTPError, httpx.StreamError) as error:
                    raise _failed(step, error) from None
                answer = response
    finally:
        flow.close()
        if http_client is None:
            await http.aclose()


def _print_code(code: DeviceCode) -> None:
    print(f"Open {code.verification_uri_complete} and confirm the code {code.user_code}", flush=True)
