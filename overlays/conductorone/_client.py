"""The clients users construct: :class:`ConductorOne` and :class:`AsyncConductorOne`.

Each is a base client (retries, errors, pagination) plus the generated operation groups
(``client.<group>.<operation>(...)``), which load on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from types import TracebackType
from typing import Any, TypeVar

import httpx
from conductorone_api.api import AsyncRawResources, AsyncResources, RawResources, Resources
from conductorone_api.client import NOT_GIVEN, NotGiven

from ._base_client import DEFAULT_MAX_RETRIES, AsyncAPIClient, SyncAPIClient, Timeout
from ._response import DEFAULT_MAX_RESPONSE_BYTES, APIResponse
from ._settings import resolve

T = TypeVar("T")


class ConductorOne(SyncAPIClient, Resources):
    """A ConductorOne API client.

    With no credential arguments, credentials come from a profile of cone's
    ``~/.conductorone/config.yaml`` or from ``CONDUCTORONE_*`` environment variables (the order
    is in the README's "Authenticating"). Malformed or missing settings raise ``CredentialsError``
    here, before any network traffic.

    Args:
        client_id, client_secret: client credentials (a signed assertion is exchanged for tokens).
        access_token: a ready bearer token, used as is.
        oidc_token: an OIDC token to exchange (with ``client_id`` of the federation trust).
        server_url: the API server; by default from ``tenant`` or the client ID's host.
        tenant: the tenant name, for ``https://<tenant>.conductor.one``.
        profile: a profile of cone's file (``python -m conductorone login`` writes them).
        timeout: seconds for each phase of a request, or an ``httpx.Timeout`` (``None``: no
            limit). Not given: 60 s, or the timeout of the ``http_client`` you pass.
        max_retries: retries after a retryable failure (see the README); 0 disables them.
        max_response_bytes: the largest response body (decoded) read; a larger one raises
            ``ResponseTooLargeError``. ``None``: no bound.
        http_client: an ``httpx.Client`` to use (transport, proxies, limits). It is never
            changed: the server, credentials and timeout go with each request this client
            sends, and closing it is left to you.
        default_headers, default_query: sent with every request (a call's own, and its
            ``extra_headers``/``extra_query``, win). ``with_options(...)`` makes a client with
            other settings that shares this one's connections and token cache.
    """

    @cached_property
    def with_raw_response(self) -> RawResources:
        """The same operations, returning the whole response: ``c1.with_raw_response.apps.get(...)``."""
        return _RawResponses(self)

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        oidc_token: str | None = None,
        server_url: str | None = None,
        tenant: str | None = None,
        profile: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> None:
        settings = resolve(
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            oidc_token=oidc_token,
            server_url=server_url,
            tenant=tenant,
            profile=profile,
        )
        super().__init__(
            settings,
            http_client,
            max_retries=max_retries,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            default_headers=default_headers,
            default_query=default_query,
        )

    def __enter__(self) -> ConductorOne:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncConductorOne(AsyncAPIClient, AsyncResources):
    """The asyncio twin of :class:`ConductorOne`: same arguments, ``await`` every operation."""

    @cached_property
    def with_raw_response(self) -> AsyncRawResources:
        """The same operations, returning the whole response (``await`` them)."""
        return _AsyncRawResponses(self)

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        oidc_token: str | None = None,
        server_url: str | None = None,
        tenant: str | None = None,
        profile: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> None:
        settings = resolve(
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            oidc_token=oidc_token,
            server_url=server_url,
            tenant=tenant,
            profile=profile,
        )
        super().__init__(
            settings,
            http_client,
            max_retries=max_retries,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            default_headers=default_headers,
            default_query=default_query,
        )

    async def __aenter__(self) -> AsyncConductorOne:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


class _RawResponses(RawResources):
    """``client.with_raw_response``: every group, its methods returning an ``APIResponse``
    (status, headers, request id, the ``httpx.Response``; ``.parse()`` for the model), with
    the client's retries and typed errors."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def request(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        max_retries: int | NotGiven,
        timeout: Timeout | NotGiven,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, Any] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> APIResponse[T]:
        return self._client.request_raw(
            options,
            parse,
            idempotent=idempotent,
            max_retries=max_retries,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )


class _AsyncRawResponses(AsyncRawResources):
    """The async ``client.with_raw_response``."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def request(
        self,
        options: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool,
        max_retries: int | NotGiven,
        timeout: Timeout | NotGiven,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, Any] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> APIResponse[T]:
        return await self._client.request_raw(
            options,
            parse,
            idempotent=idempotent,
            max_retries=max_retries,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
