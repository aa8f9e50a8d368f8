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

from ._exceptions import APIResponseValidationError, request_id

T = TypeVar("T")


def parse_body(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """The 2xx ``response`` parsed into its model, or APIResponseValidationError saying why not."""
    where = f"{response.request.method} {response.request.url.path}"
    try:
        data = response.json() if response.content else {}
    except ValueError:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} from {where}: the body is not JSON", response=response
        ) from None
    try:
        return parse(data)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} from {where}: "
            f"the body does not match the declared model ({type(error).__name__}: {error})",
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
        request = self.http_response.request
        return f"<APIResponse [{self.status_code}] {request.method} {request.url.path}>"


__all__ = ["APIResponse", "parse_body"]
