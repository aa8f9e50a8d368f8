"""Which server and which credentials: arguments first, then profiles and ``CONDUCTORONE_*``
variables; credentials always from one source, never assembled from two.

Credentials, in this order:

1. credential arguments: ``access_token=``; ``oidc_token=`` + ``client_id=``; ``client_id=``
   + ``client_secret=`` (giving ``profile=`` as well is an error);
2. ``profile=``: that profile of cone's file (``~/.conductorone/config.yaml``);
3. ``CONDUCTORONE_ACCESS_TOKEN``, ``CONDUCTORONE_OIDC_TOKEN`` + ``CONDUCTORONE_CLIENT_ID``,
   ``CONDUCTORONE_CLIENT_ID`` + ``CONDUCTORONE_CLIENT_SECRET`` (the order the official Go SDK
   and CLI use; setting ``CONDUCTORONE_PROFILE`` as well is an error);
4. ``CONDUCTORONE_PROFILE``, else ``CONE_PROFILE`` (cone's own variable): that profile;
5. the ``default`` profile, when the file exists and has one.

The server: ``server_url=``, else ``tenant=``, else ``CONDUCTORONE_SERVER_URL``, else
``CONDUCTORONE_TENANT_DOMAIN``, else the host in the client ID.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

import httpx

from ._auth import BearerTokenAuth, ClientCredentialsAuth, TokenExchangeAuth
from ._credentials import DEFAULT_DOMAIN, ClientId, ClientSecret, clean_token
from ._exceptions import CredentialsError

ENV_PREFIX = "CONDUCTORONE_"
ENV_ACCESS_TOKEN = "CONDUCTORONE_ACCESS_TOKEN"
ENV_OIDC_TOKEN = "CONDUCTORONE_OIDC_TOKEN"
ENV_CLIENT_ID = "CONDUCTORONE_CLIENT_ID"
ENV_CLIENT_SECRET = "CONDUCTORONE_CLIENT_SECRET"
ENV_TENANT = "CONDUCTORONE_TENANT_DOMAIN"
ENV_SERVER_URL = "CONDUCTORONE_SERVER_URL"
ENV_PROFILE = "CONDUCTORONE_PROFILE"
ENV_CONE_PROFILE = "CONE_PROFILE"

_TENANT = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
NO_CREDENTIALS = (
    "no ConductorOne credentials: pass client_id and client_secret, access_token, or oidc_token "
    f"with client_id; or set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}, {ENV_ACCESS_TOKEN}, or "
    f"{ENV_OIDC_TOKEN} with {ENV_CLIENT_ID}; or pass profile= / set {ENV_PROFILE} (a profile of "
    "cone's ~/.conductorone/config.yaml; `python -m conductorone login <tenant>` writes one)"
)


class Settings(NamedTuple):
    server_url: str
    auth: httpx.Auth  # its repr redacts what is secret


class _Credentials:
    """The credentials found, from one source (arguments or environment)."""

    __slots__ = ("access_token", "client_id", "client_secret", "oidc_token", "source")

    def __init__(
        self,
        client_id: str | None,
        client_secret: str | None,
        access_token: str | None,
        oidc_token: str | None,
        source: str = "arguments",
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token = access_token
        self.oidc_token = oidc_token
        self.source = source

    def any(self) -> bool:
        return any((self.client_id, self.client_secret, self.access_token, self.oidc_token))

    def __repr__(self) -> str:
        return f"_Credentials(client_id={self.client_id!r}, source={self.source!r}, <secrets redacted>)"


def _env(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name) or None  # set but empty counts as unset


def resolve(
    *,
    client_id: str | None,
    client_secret: str | None,
    access_token: str | None,
    oidc_token: str | None,
    server_url: str | None,
    tenant: str | None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The server and the ``httpx.Auth`` for these arguments and environment, or CredentialsError."""
    env = os.environ if environ is None else environ
    given = _credentials(client_id, client_secret, access_token, oidc_token, profile, env)
    parsed_id = ClientId(given.client_id) if given.client_id else None
    if given.access_token:
        token = clean_token(given.access_token, _names("access_token", given.source, "the"))
        return Settings(_server_url(server_url, tenant, env, parsed_id), BearerTokenAuth(token))
    if parsed_id is None:
        what = "oidc_token" if given.oidc_token else "client_secret"
        raise CredentialsError(f"{what} needs a client ID ({_names('client_id', given.source)})")
    server = _server_url(server_url, tenant, env, parsed_id)
    if given.oidc_token:
        oidc_token = clean_token(given.oidc_token, _names("oidc_token", given.source, "the"))
        return Settings(server, TokenExchangeAuth(parsed_id, oidc_token, server))
    if not given.client_secret:
        raise CredentialsError(f"a client ID needs a client secret ({_names('client_secret', given.source)})")
    return Settings(server, ClientCredentialsAuth(parsed_id, ClientSecret(given.client_secret), server))


def _credentials(
    client_id: str | None,
    client_secret: str | None,
    access_token: str | None,
    oidc_token: str | None,
    profile: str | None,
    env: Mapping[str, str],
) -> _Credentials:
    """The credentials of the first source that has any (the order in this module's docstring)."""
    from ._profiles import DEFAULT_PROFILE, config_path, find_profile, load_profile

    given = _Credentials(client_id, client_secret, access_token, oidc_token)
    if given.any():
        if profile:
            raise CredentialsError("pass credentials or profile=, not both: which one is meant is not clear")
        return given
    path = config_path(env)

    def from_profile(name: str, source: str) -> _Credentials:
        found = load_profile(name, path)
        return _Credentials(found.client_id, found.client_secret, None, None, source=source)

    if profile:
        return from_profile(profile, f"profile {profile!r} ({path})")
    given = _Credentials(
        _env(env, ENV_CLIENT_ID),
        _env(env, ENV_CLIENT_SECRET),
        _env(env, ENV_ACCESS_TOKEN),
        _env(env, ENV_OIDC_TOKEN),
        source="environment",
    )
    named = _env(env, ENV_PROFILE)
    if given.any():
        if named:
            raise CredentialsError(
                f"{ENV_PROFILE} is set and so are CONDUCTORONE_* credentials: unset one of them"
            )
        return given
    if named:
        return from_profile(named, f"profile {named!r} ({ENV_PROFILE}, {path})")
    if cone_named := _env(env, ENV_CONE_PROFILE):
        return from_profile(cone_named, f"profile {cone_named!r} ({ENV_CONE_PROFILE}, {path})")
    default = find_profile(DEFAULT_PROFILE, path)  # read once; absent is not an error here
    if default is not None:
        return _Credentials(
            default.client_id, default.client_secret, None, None, source=f"profile 'default' ({path})"
        )
    raise CredentialsError(NO_CREDENTIALS)


def _names(argument: str, source: str, verb: str = "") -> str:
    """How the user gives ``argument``: ``set CONDUCTORONE_X`` / ``pass x=`` (``verb`` "the": a name)."""
    variable = f"{ENV_PREFIX}{argument.upper()}"
    if source.startswith("profile"):
        return f"fix {source}"
    if verb:
        return f"{verb} {variable} variable" if source == "environment" else f"{verb} {argument} argument"
    return f"set {variable}" if source == "environment" else f"pass {argument}="


def _server_url(
    server_url: str | None, tenant: str | None, env: Mapping[str, str], client_id: ClientId | None
) -> str:
    if server_url:
        return check_server_url(server_url, "server_url")
    if tenant:
        return tenant_url(tenant, "tenant")
    if _env(env, ENV_SERVER_URL):
        return check_server_url(env[ENV_SERVER_URL], ENV_SERVER_URL)
    if _env(env, ENV_TENANT):
        return tenant_url(env[ENV_TENANT], ENV_TENANT)
    if client_id is not None:
        return check_server_url(f"https://{client_id.server_host}", "the client ID's host")
    raise CredentialsError(
        f"no server: pass server_url= or tenant=, or set {ENV_SERVER_URL} or {ENV_TENANT} "
        "(an access token alone does not say which tenant it is for)"
    )


def tenant_url(tenant: str, where: str) -> str:
    """``acme`` -> ``https://acme.conductor.one``; a full host is taken as it is."""
    name = tenant.strip().lower()
    if "." in name:
        return check_server_url(f"https://{name}", where)
    if not _TENANT.match(name):
        raise CredentialsError(f"{where} {tenant!r} is not a tenant name (letters, digits and '-')")
    return f"https://{name}.{DEFAULT_DOMAIN}"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(value: str, where: str) -> str:
    """A server URL the credentials may be sent to: https, or http to a loopback host only."""
    url = value.strip().rstrip("/")
    if "@" in url:  # user:password@host; checked first so that no message below shows it
        raise CredentialsError(f"{where} must not contain a user name or password")
    if "://" not in url:
        url = f"https://{url}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as error:
        raise CredentialsError(f"{where} {value!r} is not a URL: {error}") from None
    host = parts.hostname or ""
    if not host or parts.scheme not in ("https", "http") or parts.query or parts.fragment:
        raise CredentialsError(f"{where} {value!r} is not a server URL like https://acme.conductor.one")
    if parts.scheme == "http" and not _is_loopback(host):
        raise CredentialsError(
            f"{where} {value!r} uses plain http: credentials are sent over https only "
            "(http is allowed for loopback hosts, for tests)"
        )
    return url
