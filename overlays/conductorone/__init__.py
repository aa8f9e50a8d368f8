"""ConductorOne API client: the hand-written layer over the generated ``conductorone_api``.

::

    from conductorone import ConductorOne

    with ConductorOne() as c1:  # credentials from CONDUCTORONE_* environment variables
        owner = c1.app_owners_v2.get_entitlement_owner(app_id=..., ...)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from conductorone_api.client import NOT_GIVEN, NotGiven

    from ._auth import BearerTokenAuth, ClientCredentialsAuth, TokenExchangeAuth
    from ._client import AsyncConductorOne, ConductorOne
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ClientClosedError,
        ConductorOneError,
        ConflictError,
        CredentialsError,
        InternalServerError,
        NotFoundError,
        PaginationError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        TokenUnavailableError,
        UnprocessableEntityError,
    )
    from ._login import (
        DEFAULT_LOGIN_CLIENT_ID,
        DeviceCode,
        LoginCancelledError,
        LoginDeniedError,
        LoginError,
        LoginExpiredError,
        LoginResult,
        login,
        login_async,
    )
    from ._profiles import Profile, ProfilePermissionWarning, load_profile, save_profile

# Public name -> the module defining it. Loaded on first use: ``import conductorone`` stays
# cheap, and ``from conductorone import ConductorOne`` loads only what a client needs.
_LAZY = {
    **dict.fromkeys(("BearerTokenAuth", "ClientCredentialsAuth", "TokenExchangeAuth"), "._auth"),
    **dict.fromkeys(("AsyncConductorOne", "ConductorOne"), "._client"),
    **dict.fromkeys(("NOT_GIVEN", "NotGiven"), "._base_client"),
    **dict.fromkeys(
        (
            "DEFAULT_LOGIN_CLIENT_ID",
            "DeviceCode",
            "LoginCancelledError",
            "LoginDeniedError",
            "LoginError",
            "LoginExpiredError",
            "LoginResult",
            "login",
            "login_async",
        ),
        "._login",
    ),
    **dict.fromkeys(("Profile", "ProfilePermissionWarning", "load_profile", "save_profile"), "._profiles"),
    **dict.fromkeys(
        (
            "APIConnectionError",
            "APIError",
            "APIResponseValidationError",
            "APIStatusError",
            "APITimeoutError",
            "AuthenticationError",
            "BadRequestError",
            "ClientClosedError",
            "ConductorOneError",
            "ConflictError",
            "CredentialsError",
            "InternalServerError",
            "NotFoundError",
            "PaginationError",
            "PermissionDeniedError",
            "RateLimitError",
            "ResponseTooLargeError",
            "TokenUnavailableError",
            "UnprocessableEntityError",
        ),
        "._exceptions",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DEFAULT_LOGIN_CLIENT_ID",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncConductorOne",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "ClientClosedError",
    "ClientCredentialsAuth",
    "ConductorOne",
    "ConductorOneError",
    "ConflictError",
    "CredentialsError",
    "DeviceCode",
    "InternalServerError",
    "LoginCancelledError",
    "LoginDeniedError",
    "LoginError",
    "LoginExpiredError",
    "LoginResult",
    "NotFoundError",
    "NotGiven",
    "PaginationError",
    "PermissionDeniedError",
    "Profile",
    "ProfilePermissionWarning",
    "RateLimitError",
    "ResponseTooLargeError",
    "TokenExchangeAuth",
    "TokenUnavailableError",
    "UnprocessableEntityError",
    "__version__",
    "load_profile",
    "login",
    "login_async",
    "save_profile",
]
