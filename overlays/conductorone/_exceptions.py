"""Every error this package raises derives from :class:`ConductorOneError`."""

from __future__ import annotations


class ConductorOneError(Exception):
    """Base class of every error raised by the ``conductorone`` package."""


class CredentialsError(ConductorOneError, ValueError):
    """A client ID, client secret or server setting is malformed or missing.

    Raised at construction, before any network traffic. The message says which part is
    wrong and never contains the secret itself.
    """


class AuthenticationError(ConductorOneError):
    """The token endpoint refused to issue an access token, or answered with nonsense.

    Attributes:
        status_code: the HTTP status of the token response (``None`` if there was none).
        error: the OAuth2 ``error`` code from the response body, if any.
        error_description: the OAuth2 ``error_description``, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error: str | None = None,
        error_description: str | None = None,
    ) -> None:
        details = [f"HTTP {status_code}"] if status_code is not None else []
        details += [part for part in (error, error_description) if part]
        super().__init__(f"{message} ({': '.join(details)})" if details else message)
        self.status_code = status_code
        self.error = error
        self.error_description = error_description
