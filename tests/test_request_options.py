"""Per-request and per-client options, the User-Agent, request ids, and the debug switch.

Requests go to a real HTTP server on 127.0.0.1 (tests/loopback.py) that records them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conductorone import AsyncConductorOne, ConductorOne, NotFoundError
from conductorone._base_client import USER_AGENT, loggable_url
from conductorone_api.models import CreateAppEntitlementEntitlementOwnerRequest

from .conftest import ROOT
from .loopback import LoopbackServer, Reply, Seen
from .test_client import GET_ARGS, OWNER


@pytest.fixture()
def api() -> Iterator[LoopbackServer]:
    def handle(seen: Seen) -> Reply:
        if seen.path.endswith("/missing"):
            return Reply(404, {"message": "no such owner"}, headers={"X-Request-Id": "req-404"})
        return Reply(200, OWNER, headers={"X-Request-Id": "req-1"})

    with LoopbackServer(handle) as server:
        yield server


def test_user_agent_on_every_request_and_the_users_own_wins(api: LoopbackServer) -> None:
    with ConductorOne(access_token="t", server_url=api.url) as c1:
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
    with (
        httpx.Client() as theirs,
        ConductorOne(access_token="t", server_url=api.url, http_client=theirs) as c1,
    ):
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
    own = httpx.Client(headers={"User-Agent": "acme-sync/2.0"})
    with own, ConductorOne(access_token="t", server_url=api.url, http_client=own) as c1:
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
    agents = [seen.headers["user-agent"] for seen in api.seen]
    assert agents == [USER_AGENT, USER_AGENT, "acme-sync/2.0"]
    major, minor = sys.version_info[:2]
    assert (
        USER_AGENT.startswith("conductorone-api-client/") and f" python/{major}.{minor} httpx/" in USER_AGENT
    )


def test_defaults_and_extras_in_their_order(api: LoopbackServer) -> None:
    with ConductorOne(
        access_token="t",
        server_url=api.url,
        default_headers={"X-Team": "iam", "X-Trace": "client"},
        default_query={"tenant_hint": "acme", "view": "client"},
    ) as c1:
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
        c1.app_owners_v2.get_entitlement_owner(
            **GET_ARGS, extra_headers={"X-Trace": "call"}, extra_query={"view": "call", "debug": 1}
        )
        c1.app_entitlement_owners_v2.create_entitlement_owner(
            app_id="a",
            entitlement_id="b",
            role_slug="c",
            app_entitlement_ref_app_id="d",
            app_entitlement_ref_id="e",
            body=CreateAppEntitlementEntitlementOwnerRequest(),
            extra_body={"experimentalFlag": True},
        )
    plain, extra, posted = api.seen
    assert (plain.headers["x-team"], plain.headers["x-trace"]) == ("iam", "client")
    assert plain.query == {"tenant_hint": ["acme"], "view": ["client"]}
    assert (extra.headers["x-team"], extra.headers["x-trace"]) == ("iam", "call")
    assert extra.query == {"tenant_hint": ["acme"], "view": ["call"], "debug": ["1"]}
    assert posted.json() == {"experimentalFlag": True}
    assert "authorization" in plain.headers  # extras never replace the credentials


def test_with_options_shares_the_pool_and_the_token_cache(api: LoopbackServer) -> None:
    c1 = ConductorOne(access_token="t", server_url=api.url, max_retries=2, default_headers={"X-A": "1"})
    patient = c1.with_options(max_retries=5, timeout=3.5, default_headers={"X-B": "2"})
    assert patient.http_client is c1.http_client and patient._auth is c1._auth
    assert (patient.max_retries, patient.timeout, c1.max_retries) == (5, 3.5, 2)
    patient.app_owners_v2.get_entitlement_owner(**GET_ARGS)
    assert (api.seen[-1].headers["x-a"], api.seen[-1].headers["x-b"]) == ("1", "2")
    patient.close()  # the copy does not own the connections
    assert not c1.http_client.is_closed
    c1.close()
    assert c1.http_client.is_closed


def test_async_extras_and_with_options(api: LoopbackServer) -> None:
    async def run() -> None:
        async with AsyncConductorOne(access_token="t", server_url=api.url) as c1:
            other = c1.with_options(default_query={"from": "async"})
            assert other.http_client is c1.http_client
            await other.app_owners_v2.get_entitlement_owner(**GET_ARGS, extra_headers={"X-Call": "1"})

    asyncio.run(run())
    (seen,) = api.seen
    assert seen.query == {"from": ["async"]} and seen.headers["x-call"] == "1"


def test_errors_carry_the_request_id_and_where(api: LoopbackServer) -> None:
    with ConductorOne(access_token="t", server_url=api.url) as c1, pytest.raises(NotFoundError) as raised:
        c1.app_owners_v2.get_entitlement_owner(**{**GET_ARGS, "app_entitlement_ref_id": "missing"})
    error = raised.value
    assert error.request_id == "req-404"
    assert str(error) == (
        "HTTP 404 from GET /api/v2/apps/app-1/owners/entitlements/owner/app-2/missing: no such owner (request id req-404)"
    )


def test_logged_urls_hide_tokens() -> None:
    url = httpx.URL("https://acme.conductor.one/api/v1/apps?page_size=5&page_token=abc&access_token=x")
    assert (
        loggable_url(url) == "https://acme.conductor.one/api/v1/apps?page_size=5&page_token=…&access_token=…"
    )


@pytest.mark.parametrize("level", ["info", "debug"])
def test_conductorone_log_prints_a_line_per_exchange(api: LoopbackServer, level: str) -> None:
    script = textwrap.dedent(
        f"""
        from conductorone import ConductorOne
        from tests.test_client import GET_ARGS
        with ConductorOne(access_token="secret-access-token", server_url={api.url!r}) as c1:
            c1.app_owners_v2.get_entitlement_owner(**GET_ARGS, extra_query={{"page_token": "cursor-xyz"}})
        """
    )
    env: dict[str, Any] = {**os.environ, "CONDUCTORONE_LOG": level}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert "conductorone INFO GET http://127.0.0.1:" in line
    assert "/api/v2/apps/app-1/owners/entitlements/owner/app-2/e%2F1?page_token=… -> 200 in " in line
    assert "(attempt 1, request id req-1" in line
    assert ("bytes)" in line) == (level == "debug")
    assert "secret-access-token" not in done.stderr and "cursor-xyz" not in done.stderr


@pytest.mark.parametrize("configured", ["before", "after"])
def test_one_line_per_exchange_when_the_application_configures_logging(
    api: LoopbackServer, configured: str
) -> None:
    """With logging.basicConfig (before or after the client is made), each line is printed
    once, by the application's handler; values with line breaks are escaped."""
    basic = "logging.basicConfig(format='app: %(message)s')"
    script = textwrap.dedent(
        f"""
        import logging
        from conductorone import ConductorOne
        from tests.test_client import GET_ARGS
        {basic if configured == "before" else ""}
        with ConductorOne(access_token="t", server_url={api.url!r}) as c1:
            {basic if configured == "after" else ""}
            c1.app_owners_v2.get_entitlement_owner(**GET_ARGS, extra_query={{"q": "x\\r\\nforged line"}})
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "CONDUCTORONE_LOG": "info"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("app: GET "), lines
    assert "q=x\\r\\nforged line -> 200" in lines[0]


def test_control_characters_never_reach_messages() -> None:
    def handle(seen: Seen) -> Reply:
        return Reply(404, {"message": "gone\nERROR forged"}, headers={"X-Request-Id": "r\x1b[31m"})

    with (
        LoopbackServer(handle) as server,
        ConductorOne(access_token="t", server_url=server.url) as c1,
        pytest.raises(NotFoundError) as raised,
    ):
        c1.app_owners_v2.get_entitlement_owner(**{**GET_ARGS, "app_id": "a\r\nb"})
    message = str(raised.value)
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert (
        "/api/v2/apps/a%0D%0Ab/" in message and "gone\\nERROR forged" in message and "r\\x1b[31m" in message
    )


def test_raw_responses_keep_retries_and_typed_errors() -> None:
    answers = iter([Reply(503), Reply(200, OWNER, headers={"X-Request-Id": "req-7", "X-Extra": "yes"})])

    def handle(seen: Seen) -> Reply:
        if seen.path.endswith("/missing"):
            return Reply(404, {"message": "gone"})
        return next(answers)

    with LoopbackServer(handle) as server, ConductorOne(access_token="t", server_url=server.url) as c1:
        c1._sleep = lambda _delay: None  # no real waiting in tests
        raw = c1.with_raw_response.app_owners_v2.get_entitlement_owner(**GET_ARGS)
        assert (raw.status_code, raw.headers["x-extra"], raw.request_id) == (200, "yes", "req-7")
        assert isinstance(raw.http_response, httpx.Response) and len(server.seen) == 2  # the 503 was retried
        owner = raw.parse()
        assert owner is raw.parse() and owner.app_owner_entitlement is not None
        assert repr(raw).startswith("<APIResponse [200] GET /api/v2/apps/app-1/")
        with pytest.raises(NotFoundError):
            c1.with_raw_response.app_owners_v2.get_entitlement_owner(
                **{**GET_ARGS, "app_entitlement_ref_id": "missing"}
            )


def test_async_raw_responses(api: LoopbackServer) -> None:
    async def run() -> tuple[int, Any]:
        async with AsyncConductorOne(access_token="t", server_url=api.url) as c1:
            raw = await c1.with_raw_response.app_owners_v2.get_entitlement_owner(**GET_ARGS)
            return raw.status_code, raw.parse()

    status, owner = asyncio.run(run())
    assert status == 200 and type(owner).__name__ == "GetEntitlementOwnerResponse"
