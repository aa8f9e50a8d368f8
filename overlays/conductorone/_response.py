"""A 2xx response and its body: parsing into the model, and the raw response users can ask for.

``client.with_raw_response.<group>.<method>(...)`` returns an :class:`APIResponse`: status,
headers, the request id and the ``httpx.Response`` itself, with ``parse()`` for the model.
It goes through the same retries and typed errors as the plain method: only 2xx responses
come back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import httpx

from ._exceptions import (
    APIResponseValidationError,
    ResponseTooLargeError,
    decode_json,
    printable,
    request_id,
    where_sent,
)

T = TypeVar("T")
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # decoded; max_response_bytes= sets another bound
MAX_AUTH_RESPONSE_BYTES = 1024 * 1024  # a token response, or a 401 read before retrying


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    where = f" from {where_sent(response.request)}"
    return ResponseTooLargeError(
        f"HTTP {response.status_code}{where}: the body is larger than {limit:,} bytes "
        "(max_response_bytes); not read further",
        response=response,
        limit=limit,
    )


def _declared_too_large(response: httpx.Response, limit: int) -> bool:
    # Content-Length counts encoded bytes; for an identity body that is the decoded size.
    declared = response.headers.get("content-length", "")
    encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
    return declared.isdigit() and not encoded and int(declared) > limit


def read_limited(response: httpx.Response, limit: int | None) -> None:
    """Read a streamed response's body, decoded, refusing (ResponseTooLargeError) one larger than
    ``limit`` bytes before more than that is held (a compressed bomb is stopped while inflating)."""
    if limit is None or response.is_stream_consumed:
        response.read()
        return
    if _declared_too_large(response, limit):
        response.close()
        raise _too_large(response, limit)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            response.close()
            raise _too_large(response, limit)
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what Response.read() keeps; .json() and .text read it


async def aread_limited(response: httpx.Response, limit: int | None) -> None:
    """:func:`read_limited` for an async response."""
    if limit is None or response.is_stream_consumed:
        await response.aread()
        return
    if _declared_too_large(response, limit):
        await response.aclose()
        raise _too_large(response, limit)
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            await response.aclose()
            raise _too_large(response, limit)
        chunks.append(chunk)
    response._content = b"".join(chunks)


def parse_body(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """The 2xx ``response`` parsed into its model, or APIResponseValidationError saying why not."""
    where = where_sent(response.request)
    try:
        data = decode_json(response) if response.content else {}
    except ValueError as error:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} from {where}: the body is not JSON ({printable(str(error)[:200])})",
            response=response,
        ) from None
    try:
        return parse(data)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} from {where}: "
            f"the body does not match the declared model ({type(error).__name__}: {printable(str(error)[:500])})",
            response=response,
            body=data,
        ) from error


class APIResponse(Generic[T]):
    """A whole 2xx response; :meth:`parse` gives the operation's model (parsed once)."""

    __slots__ = ("_parse", "_parsed", "http_response")

    def __init__(self, response: httpx.Response, parse: Callable[[Any], T]) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: tuple[T] | None = None

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return request_id(self.http_response)

    def parse(self) -> T:
        if self._parsed is None:
            self._parsed = (parse_body(self.http_response, self._parse),)
        return self._parsed[0]

    def __repr__(self) -> str:
        rid = self.request_id
        return f"<APIResponse [{self.status_code}] {where_sent(self.http_response.request)}" + (
            f" request id {rid}>" if rid else ">"
        )


__all__ = ["APIResponse", "parse_body"]
