"""ConductorOne / AsyncConductorOne: configuration, the generated operation groups, errors.

Every network test talks to a real server on 127.0.0.1 (tests/loopback.py).
"""

from __future__ import annotations

import asyncio
import copy
import pickle
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conductorone import (
    APIResponseValidationError,
    AsyncConductorOne,
    AuthenticationError,
    BadRequestError,
    ConductorOne,
    ConflictError,
    CredentialsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from conductorone_api.api import GROUPS
from conductorone_api.models import CreateAppEntitlementEntitlementOwnerRequest, GetEntitlementOwnerResponse

from .keys import CLIENT_ID, make_secret
from .loopback import LoopbackServer, Reply, Seen

ENV_NAMES = (
    "CONDUCTORONE_ACCESS_TOKEN",
    "CONDUCTORONE_OIDC_TOKEN",
    "CONDUCTORONE_CLIENT_ID",
    "CONDUCTORONE_CLIENT_SECRET",
    "CONDUCTORONE_TENANT_DOMAIN",
    "CONDUCTORONE_SERVER_URL",
)
OWNER = {
    "appOwnerEntitlement": {
        "appId": "app-1",
        "roleSlug": "owner",
        "appEntitlement": {
            "id": "ent-1",
            "displayName": "Admins",
            "createdAt": "2026-01-02T03:04:05.123456789Z",
        },
    }
}
GET_ARGS: dict[str, Any] = {
    "app_id": "app-1",
    "role_slug": "owner",
    "app_entitlement_ref_app_id": "app-2",
    "app_entitlement_ref_id": "e/1",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def _auth_kind(client: ConductorOne) -> str:
    return repr(client).split("auth=")[1].split("(")[0]


# -- configuration ----------------------------------------------------------------------------


def test_environment_priority_matches_the_go_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    secret, _ = make_secret()
    monkeypatch.setenv("CONDUCTORONE_CLIENT_ID", "fox@acme.conductor.one/pcc")
    monkeypatch.setenv("CONDUCTORONE_CLIENT_SECRET", secret)
    monkeypatch.setenv("CONDUCTORONE_OIDC_TOKEN", "oidc-jwt")
    monkeypatch.setenv("CONDUCTORONE_ACCESS_TOKEN", "ready-token")
    assert _auth_kind(ConductorOne()) == "BearerTokenAuth"
    monkeypatch.delenv("CONDUCTORONE_ACCESS_TOKEN")
    assert _auth_kind(ConductorOne()) == "TokenExchangeAuth"
    monkeypatch.delenv("CONDUCTORONE_OIDC_TOKEN")
    client = ConductorOne()
    assert _auth_kind(client) == "ClientCredentialsAuth"
    assert client.server_url == "https://acme.conductor.one"
    # arguments win over the environment, whole: no mixing of the two sources
    assert _auth_kind(ConductorOne(access_token="t", tenant="acme")) == "BearerTokenAuth"


def test_server_settings_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    secret, _ = make_secret()
    creds: dict[str, Any] = {"client_id": "fox@acme/pcc", "client_secret": secret}
    assert ConductorOne(**creds).server_url == "https://acme.conductor.one"
    assert ConductorOne(**creds, tenant="Other").server_url == "https://other.conductor.one"
    assert ConductorOne(**creds, tenant="c1.example.com").server_url == "https://c1.example.com"
    monkeypatch.setenv("CONDUCTORONE_TENANT_DOMAIN", "envtenant")
    assert ConductorOne(**creds).server_url == "https://envtenant.conductor.one"
    monkeypatch.setenv("CONDUCTORONE_SERVER_URL", "https://custom.example.com/")
    assert ConductorOne(**creds).server_url == "https://custom.example.com"
    assert ConductorOne(**creds, server_url="api.example.org").server_url == "https://api.example.org"


@pytest.mark.parametrize(
    ("kwargs", "env", "message"),
    [
        ({}, {}, "CONDUCTORONE_CLIENT_ID and CONDUCTORONE_CLIENT_SECRET, CONDUCTORONE_ACCESS_TOKEN"),
        ({"oidc_token": "jwt"}, {}, "oidc_token needs a client ID (pass client_id=)"),
        ({}, {"CONDUCTORONE_OIDC_TOKEN": "jwt"}, "set CONDUCTORONE_CLIENT_ID"),
        ({}, {"CONDUCTORONE_CLIENT_ID": "fox@acme/pcc"}, "set CONDUCTORONE_CLIENT_SECRET"),
        ({"access_token": "t"}, {}, "no server: pass server_url= or tenant="),
        ({"access_token": "t", "tenant": "no_underscores"}, {}, "is not a tenant name"),
        ({"access_token": "t", "server_url": "http://acme.example.com"}, {}, "uses plain http"),
        ({"access_token": "t", "server_url": "ftp://acme.example.com"}, {}, "is not a server URL"),
        ({"client_id": "no-at-sign", "client_secret": "x"}, {}, "no '@' found"),
    ],
)
def test_bad_configuration_is_refused_before_any_traffic(
    monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any], env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CredentialsError) as caught:
        ConductorOne(**kwargs)
    assert message in str(caught.value)
    with pytest.raises(CredentialsError):
        AsyncConductorOne(**kwargs)


def test_plain_http_only_to_loopback() -> None:
    for url in ("http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"):
        assert ConductorOne(access_token="t", server_url=url).server_url == url


def test_secrets_never_shown() -> None:
    secret, _ = make_secret()
    token_part = secret.rsplit(":", 1)[1]
    shown = [
        repr(ConductorOne(client_id=CLIENT_ID, client_secret=secret)),
        repr(ConductorOne(access_token="very-secret-token", tenant="acme")),
        repr(ConductorOne(client_id=CLIENT_ID, oidc_token="very-secret-oidc")),
    ]
    for text in shown:
        assert token_part not in text and "very-secret" not in text, text
    with pytest.raises(CredentialsError) as caught:
        ConductorOne(access_token="t", server_url="https://user:hunter2@acme.example.com")
    assert "hunter2" not in str(caught.value)


def test_every_group_is_an_attribute_and_none_shadows_the_client() -> None:
    client = ConductorOne(access_token="t", tenant="acme")
    hand_written = [cls for cls in ConductorOne.__mro__ if cls.__module__.startswith("conductorone.")]
    for name in GROUPS:
        assert not any(name in vars(cls) for cls in hand_written), f"group {name} is shadowed"
        assert getattr(client, name) is getattr(client, name)  # built once, on first use


def test_context_managers_close_what_they_own() -> None:
    with ConductorOne(access_token="t", tenant="acme") as client:
        owned = client.http_client
    assert owned.is_closed
    mine = httpx.Client()
    with ConductorOne(access_token="t", tenant="acme", http_client=mine) as client:
        assert client.http_client is mine and mine.auth is None  # used, never changed
    assert not mine.is_closed
    mine.close()

    async def run() -> bool:
        async with AsyncConductorOne(access_token="t", tenant="acme") as aclient:
            aowned = aclient.http_client
        return aowned.is_closed

    assert asyncio.run(run())


# -- operations through the facade ------------------------------------------------------------


@pytest.fixture()
def api() -> Iterator[LoopbackServer]:
    """Token endpoint + the two vendored operations; '/fail/<status>' app IDs answer that status."""

    def handle(seen: Seen) -> Reply:
        if seen.path == "/auth/v1/token":
            return Reply(body={"access_token": "issued-token", "expires_in": 3600})
        if seen.headers.get("authorization") != "Bearer issued-token":
            return Reply(401, {"code": 16, "message": "unauthenticated"})
        if seen.path.startswith("/api/v2/apps/fail-"):
            status = int(seen.path.split("/")[4].removeprefix("fail-"))
            return Reply(status, {"code": 3, "message": f"failed with {status}"})
        if seen.path.startswith("/api/v2/apps/not-json"):
            return Reply(200, b"<html>")
        if seen.path.startswith("/api/v2/apps/not-an-object"):
            return Reply(200, [1, 2])
        return Reply(body={**OWNER, "someNewField": {"nested": [1, None]}})

    with LoopbackServer(handle) as server:
        yield server


def test_sync_call_with_client_credentials(api: LoopbackServer) -> None:
    secret, _ = make_secret()
    client_id = CLIENT_ID.replace("127.0.0.1", "acme")
    with ConductorOne(client_id=client_id, client_secret=secret, server_url=api.url) as c1:
        first = c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
    assert isinstance(first, GetEntitlementOwnerResponse)
    owner = first.app_owner_entitlement
    assert owner and owner.app_id == "app-1" and owner.app_entitlement and owner.app_entitlement.created_at
    assert owner.app_entitlement.created_at.microsecond == 123456
    assert first.additional_properties == {"someNewField": {"nested": [1, None]}}  # kept, not dropped
    token_requests = [s for s in api.seen if s.path == "/auth/v1/token"]
    api_requests = [s for s in api.seen if s.path != "/auth/v1/token"]
    assert len(token_requests) == 1 and len(api_requests) == 2
    assert api_requests[0].path == "/api/v2/apps/app-1/owners/entitlements/owner/app-2/e%2F1"
    assert api_requests[0].headers["user-agent"].startswith("conductorone-api-client/")


def test_async_call_with_body(api: LoopbackServer) -> None:
    async def run() -> Any:
        async with AsyncConductorOne(access_token="issued-token", server_url=api.url) as c1:
            return await c1.app_entitlement_owners_v2.create_entitlement_owner(
                app_id="a",
                entitlement_id="b",
                role_slug="c",
                app_entitlement_ref_app_id="d",
                app_entitlement_ref_id="e",
                body=CreateAppEntitlementEntitlementOwnerRequest(),
            )

    result = asyncio.run(run())
    assert type(result).__name__ == "CreateAppEntitlementEntitlementOwnerResponse"
    (seen,) = api.seen
    assert seen.method == "POST" and seen.json() == {}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
    ],
)
def test_status_errors_are_typed(api: LoopbackServer, status: int, error: type[Exception]) -> None:
    with (
        ConductorOne(access_token="issued-token", server_url=api.url, max_retries=0) as c1,
        pytest.raises(error) as caught,
    ):
        c1.app_owners_v2.get_entitlement_owner(**{**GET_ARGS, "app_id": f"fail-{status}"})
    raised: Any = caught.value
    assert raised.status_code == status and raised.body == {"code": 3, "message": f"failed with {status}"}
    assert raised.response.status_code == status
    assert (
        str(raised) == f"HTTP {status} from GET {raised.request.url.raw_path.decode()}: failed with {status}"
    )


@pytest.mark.parametrize(
    ("app_id", "message"),
    [("not-json", "the body is not JSON"), ("not-an-object", "the body does not match the declared model")],
)
def test_undeclared_body_is_a_validation_error(api: LoopbackServer, app_id: str, message: str) -> None:
    with (
        ConductorOne(access_token="issued-token", server_url=api.url) as c1,
        pytest.raises(APIResponseValidationError, match=message) as caught,
    ):
        c1.app_owners_v2.get_entitlement_owner(**{**GET_ARGS, "app_id": app_id})
    assert caught.value.response.status_code == 200


def test_lower_level_raw_response(api: LoopbackServer) -> None:
    from conductorone_api.api.app_owners_v2 import get_entitlement_owner

    with ConductorOne(access_token="issued-token", server_url=api.url) as c1:
        raw = get_entitlement_owner.sync_detailed(client=c1.http_client, **GET_ARGS)
        failed = get_entitlement_owner.sync_detailed(
            client=c1.http_client, **{**GET_ARGS, "app_id": "fail-404"}
        )
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/json"
    assert isinstance(raw.parsed, GetEntitlementOwnerResponse)
    assert failed.status_code == 404 and failed.parsed is None and b"failed with 404" in failed.content


def test_import_and_construction_load_no_models() -> None:
    import subprocess
    import sys

    script = (
        "import sys, conductorone\n"
        "c1 = conductorone.ConductorOne(access_token='t', tenant='acme')\n"
        "group = c1.app_owners_v2\n"
        "print(sorted(m for m in sys.modules if m.startswith(('conductorone_api.models.', 'joserfc', 'asyncio', 'msgspec'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05+00:00"),
        (
            "2024-01-02T03:04:05.123456789Z",
            "2024-01-02T03:04:05.123456+00:00",
        ),  # nanoseconds: to the microsecond
        ("2024-01-02T03:04:05z", "2024-01-02T03:04:05+00:00"),
        ("2024-01-02T03:04:05.1+05:30", "2024-01-02T03:04:05.100000+05:30"),
        ("0001-01-02T00:00:00-23:45", "0001-01-02T00:00:00-23:45"),
    ],
)
def test_timestamps_as_the_api_sends_them(text: str, expected: str) -> None:
    """On every Python the package claims (3.10's fromisoformat reads neither Z nor nanoseconds)."""
    from conductorone_api.types import parse_datetime

    assert parse_datetime(text).isoformat() == expected


CREATE_ARGS: dict[str, Any] = {
    "app_id": "a",
    "entitlement_id": "b",
    "role_slug": "c",
    "app_entitlement_ref_app_id": "d",
    "app_entitlement_ref_id": "e",
}


def test_bodies_as_keywords_models_or_checked_dicts_on_every_python(api: LoopbackServer) -> None:
    """The body forms and the models' reading, writing and repr (this module runs on 3.10-3.13)."""
    from conductorone_api.models import AppEntitlementRef

    owners = ConductorOne(access_token="issued-token", server_url=api.url).app_entitlement_owners_v2
    owners.create_entitlement_owner(**CREATE_ARGS, app_entitlement_ref=AppEntitlementRef(app_id="x", id="y"))
    owners.create_entitlement_owner(**CREATE_ARGS, body={"appEntitlementRef": {"appId": "x"}})
    with pytest.raises(ValueError, match=r"body.appEntitlementRef: 'app_id' is not a field of .*'appId'\?"):
        wrong = {"appEntitlementRef": {"app_id": "x"}}  # a wrong key, as type checkers would say too
        owners.create_entitlement_owner(**CREATE_ARGS, body=wrong)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not both"):
        owners.create_entitlement_owner(
            **CREATE_ARGS,
            body=CreateAppEntitlementEntitlementOwnerRequest(),
            app_entitlement_ref=AppEntitlementRef(),
        )
    assert [seen.json() for seen in api.seen] == [
        {"appEntitlementRef": {"appId": "x", "id": "y"}},
        {"appEntitlementRef": {"appId": "x"}},
    ]
    parsed = GetEntitlementOwnerResponse.from_dict(OWNER)
    assert parsed.app_owner_entitlement is not None
    entitlement = parsed.app_owner_entitlement.app_entitlement
    assert entitlement is not None and entitlement.display_name == "Admins"
    assert entitlement.created_at is not None and entitlement.created_at.microsecond == 123456
    assert entitlement.description is None
    assert GetEntitlementOwnerResponse.from_dict(OWNER).to_dict() == OWNER  # untouched: exactly as sent
    written = parsed.to_dict()["appOwnerEntitlement"]["appEntitlement"]
    assert written["createdAt"] == "2026-01-02T03:04:05.123456789Z"  # read, never set: as sent
    entitlement.created_at = entitlement.created_at  # set: a datetime, to the microsecond
    written = parsed.to_dict()["appOwnerEntitlement"]["appEntitlement"]
    assert written["createdAt"] == "2026-01-02T03:04:05.123456Z"
    assert repr(AppEntitlementRef(id="y")) == "AppEntitlementRef(id='y')"
    twin = copy.copy(entitlement)
    twin.display_name = "Renamed"
    assert (entitlement.display_name, twin.display_name) == ("Admins", "Renamed")
    assert pickle.loads(pickle.dumps(twin)) == twin and copy.deepcopy(parsed) == parsed
    assert AppEntitlementRef(id="y").to_json() == '{"id":"y"}' and AppEntitlementRef(
        id="y"
    ) == AppEntitlementRef(id="y", app_id=None)
