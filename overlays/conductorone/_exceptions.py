"""Every error this package raises derives from :class:`ConductorOneError`.

::

    ConductorOneError
    ├── CredentialsError            bad or missing configuration, raised at construction
    ├── ClientClosedError           the client (or the httpx client it uses) was closed
    └── APIError                    something went wrong talking to the API
        ├── APIConnectionError      no response: refused, reset, DNS, TLS...
        │   ├── APITimeoutError     no response in time
        │   └── TokenUnavailableError   no access token: another call's token request failed
        ├── APIResponseValidationError  a 2xx response whose body is not what was declared
        ├── ResponseTooLargeError   a response body larger than the client's max_response_bytes
        ├── PaginationError         the server repeated a page cursor
        └── APIStatusError          a non-2xx response; subclass by status:
            BadRequestError 400, AuthenticationError 401 (and token endpoint refusals),
            PermissionDeniedError 403, NotFoundError 404, ConflictError 409,
            UnprocessableEntityError 422, RateLimitError 429, InternalServerError >= 500
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


class ConductorOneError(Exception):
    """Base class of every error raised by the ``conductorone`` package."""


class CredentialsError(ConductorOneError, ValueError):
    """A client ID, client secret or server setting is malformed or missing.

    Raised at construction, before any network traffic. The message says which part is
    wrong and never contains the secret itself.
    """


class ClientClosedError(ConductorOneError, RuntimeError):
    """The client, or the ``httpx`` client it was given, was closed: make a new one."""


class APIError(ConductorOneError):
    """A request to the API failed. ``request`` is the request that failed, when known."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """No response arrived: connection refused or reset, name resolution, TLS, and so on."""


class APITimeoutError(APIConnectionError):
    """No response arrived within the timeout."""


class TokenUnavailableError(APIConnectionError):
    """No access token: the token request that another call made for both of them failed, or
    did not finish in time. The API was not reached, so the call may be retried."""


class ResponseTooLargeError(APIError):
    """A response body (decoded) was larger than the client's ``max_response_bytes``.

    Nothing past the limit is read or kept. ``limit`` is the bound; ``response`` the
    ``httpx.Response`` (its body unread)."""

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        super().__init__(message, request=response.request if _has_request(response) else None)
        self.response = response
        self.status_code = response.status_code
        self.limit = limit


class PaginationError(APIError):
    """The server sent a page cursor it had already sent: following it would never end."""


class APIResponseValidationError(APIError):
    """A 2xx response whose body could not be read as the declared model (e.g. not JSON)."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.body = body


class APIStatusError(APIError):
    """The API answered with a non-2xx status.

    Attributes:
        status_code: the HTTP status.
        body: the decoded JSON body (``None`` if it was not JSON; the text is on ``response``).
        response: the ``httpx.Response``.
        request_id: the server's id for the request (``X-Request-Id`` or ``Request-Id``), if sent:
            quote it to ConductorOne support.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        super().__init__(message, request=response.request if _has_request(response) else None)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = request_id(response)


class BadRequestError(APIStatusError):
    """400: the request was malformed or failed validation."""


class AuthenticationError(APIStatusError):
    """401 from the API, or the token endpoint refused to issue an access token.

    ``error`` and ``error_description`` carry the OAuth2 fields of a token endpoint refusal.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any = None,
        error: str | None = None,
        error_description: str | None = None,
    ) -> None:
        details = [part for part in (error, error_description) if part]
        super().__init__(
            f"{message} ({': '.join(details)})" if details else message, response=response, body=body
        )
        self.error = error
        self.error_description = error_description


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: no such object (or no such route)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, raised when retries ran out."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id")
MAX_DETAIL = 500  # characters of a server's error message quoted in ours


def printable(text: str) -> str:
    """``text`` with unprintable characters escaped (``\\n``, ``\\x1b``, ``\\u2028``): a value
    from a request or a server never starts a forged line in a log or an error message."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def where_sent(request: httpx.Request) -> str:
    """``METHOD /path`` of a request, as sent (percent-encoded, so on one line)."""
    return printable(f"{request.method} {request.url.raw_path.decode('ascii', 'replace').split('?', 1)[0]}")


def decode_json(response: httpx.Response) -> Any:
    """The (read) body as JSON; ValueError also for JSON nested too deeply for Python."""
    from ._json import response_json  # (here: it imports msgspec, which is not needed before)

    try:
        return response_json(response)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def request_id(response: httpx.Response) -> str | None:
    """The id the server gave the request, from the conventional headers (control characters escaped)."""
    found = next((response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None)
    return None if found is None else printable(found[:200])


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018 - raises when the response was built without one
    except RuntimeError:
        return False
    return True


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for a non-2xx ``response`` (whose body has been read)."""
    try:
        body: Any = decode_json(response)
    except ValueError:
        body = None
    detail = body.get("message") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail:
        detail = response.reason_phrase or "error"
    detail = printable(detail[:MAX_DETAIL])
    where = f" from {where_sent(response.request)}" if _has_request(response) else ""
    rid = request_id(response)
    message = f"HTTP {response.status_code}{where}: {detail}" + (f" (request id {rid})" if rid else "")
    kind = _BY_STATUS.get(response.status_code)
    if kind is None:
        kind = InternalServerError if response.status_code >= 500 else APIStatusError
    if kind is AuthenticationError:
        return AuthenticationError(message, response=response, body=body)
    return kind(message, response=response, body=body)
