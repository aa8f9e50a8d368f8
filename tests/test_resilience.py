"""Retries, backoff, Retry-After, connection faults, timeouts and pagination, on loopback."""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conductorone import (
    APIConnectionError,
    APITimeoutError,
    AsyncConductorOne,
    ConductorOne,
    InternalServerError,
    PaginationError,
    RateLimitError,
)
from conductorone._base_client import MAX_RETRY_DELAY, backoff

from .keys import CLIENT_ID, make_secret
from .loopback import RESET, LoopbackServer, Reply, Seen
from .test_client import GET_ARGS, OWNER

POST_ARGS: dict[str, Any] = {
    "app_id": "a",
    "entitlement_id": "b",
    "role_slug": "c",
    "app_entitlement_ref_app_id": "d",
    "app_entitlement_ref_id": "e",
}


class LoopbackServerAddress:
    """Where a server was: nothing listens there any more."""

    def __init__(self, url: str) -> None:
        self.url = url


def scripted(*replies: Reply) -> Callable[[Seen], Reply]:
    """Answer with ``replies`` in order, then with success."""
    queue = iter(replies)
    return lambda seen: next(queue, Reply(body=OWNER))


def client(server: LoopbackServer | LoopbackServerAddress, **kwargs: Any) -> tuple[ConductorOne, list[float]]:
    c1 = ConductorOne(access_token="t", server_url=server.url, **kwargs)
    slept: list[float] = []
    c1._sleep = slept.append  # record the backoff instead of waiting it
    return c1, slept


def test_429_with_retry_after_is_waited_for_then_retried() -> None:
    with LoopbackServer(scripted(Reply(429, {"message": "slow down"}, {"Retry-After": "3"}))) as server:
        c1, slept = client(server)
        result = c1.app_entitlement_owners_v2.create_entitlement_owner(
            **POST_ARGS
        )  # even a POST: not processed
    assert (
        type(result).__name__.startswith("CreateAppEntitlement") and slept == [3.0] and len(server.seen) == 2
    )


def test_retry_after_as_http_date_and_in_milliseconds() -> None:
    dated = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert 0.375 <= backoff(0, dated) <= 0.5  # in the past: ignored, normal backoff (never negative)
    future = email.utils.format_datetime(
        datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30), usegmt=True
    )
    assert 25 <= backoff(0, httpx.Response(429, headers={"Retry-After": future})) <= 30
    assert backoff(0, httpx.Response(429, headers={"retry-after-ms": "250"})) == 0.25
    assert backoff(0, httpx.Response(429, headers={"Retry-After": "600"})) <= 0.5  # too long: backoff
    delays = [backoff(n, None) for n in range(10)]
    assert 0.375 <= delays[0] <= 0.5 and 0.75 <= delays[1] <= 1.0 and max(delays) <= MAX_RETRY_DELAY


def test_503_then_success_for_an_idempotent_call() -> None:
    with LoopbackServer(scripted(Reply(503), Reply(502))) as server:
        c1, slept = client(server)
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
    assert len(server.seen) == 3 and len(slept) == 2 and slept[1] > slept[0] * 1.4  # exponential


def test_5xx_on_a_non_idempotent_call_is_not_retried() -> None:
    with LoopbackServer(scripted(Reply(503))) as server:
        c1, slept = client(server)
        with pytest.raises(InternalServerError):
            c1.app_entitlement_owners_v2.create_entitlement_owner(**POST_ARGS)
    assert len(server.seen) == 1 and slept == []


def test_retries_run_out_and_per_call_override() -> None:
    with LoopbackServer(lambda seen: Reply(429, {"message": "busy"})) as server:
        c1, slept = client(server, max_retries=3)
        with pytest.raises(RateLimitError, match="busy"):
            c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
        assert len(server.seen) == 4 and len(slept) == 3
        with pytest.raises(RateLimitError):
            c1.app_owners_v2.get_entitlement_owner(**GET_ARGS, max_retries=0)
        assert len(server.seen) == 5


def test_connection_reset_is_retried_when_idempotent_only() -> None:
    with LoopbackServer(scripted(RESET)) as server:
        c1, _ = client(server)
        c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
        assert len(server.seen) == 2
    with LoopbackServer(scripted(RESET)) as server:
        c1, _ = client(server)
        with pytest.raises(APIConnectionError) as caught:
            c1.app_entitlement_owners_v2.create_entitlement_owner(**POST_ARGS)
        assert len(server.seen) == 1 and "POST /api/v2/apps/a/" in str(caught.value)


def test_connection_refused_is_retried_then_reported() -> None:
    with LoopbackServer(scripted()) as server:
        url = server.url  # the port is closed once the server stops
    c1, slept = client(LoopbackServerAddress(url))
    with pytest.raises(APIConnectionError) as caught:
        c1.app_entitlement_owners_v2.create_entitlement_owner(**POST_ARGS)  # never sent: safe to retry
    assert len(slept) == 2 and not isinstance(caught.value, APITimeoutError)


def test_timeout_raises_api_timeout_error() -> None:
    with LoopbackServer(lambda seen: Reply(body=OWNER, delay=1.0)) as server:
        c1, _ = client(server, timeout=0.2, max_retries=0)
        with pytest.raises(APITimeoutError, match=r"GET /api/v2/apps/app-1/.* timed out"):
            c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)


def test_async_retries_the_same_way() -> None:
    async def run(server: LoopbackServer) -> list[float]:
        slept: list[float] = []

        async def record(seconds: float) -> None:
            slept.append(seconds)

        async with AsyncConductorOne(access_token="t", server_url=server.url) as c1:
            c1._sleep = record
            await c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
        return slept

    with LoopbackServer(scripted(Reply(429, headers={"Retry-After": "1"}), RESET)) as server:
        assert asyncio.run(run(server)) == [1.0, pytest.approx(0.5 * 2, rel=0.25)]
        assert len(server.seen) == 3


# -- pagination ---------------------------------------------------------------------------------


class Page:
    """A stand-in page model: what generated response models offer (attributes)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.list_ = data.get("list")
        self.next_page_token = data.get("nextPageToken")


def pages(total: int, size: int, *, repeat_at: int | None = None) -> Callable[[Seen], Reply]:
    def handle(seen: Seen) -> Reply:
        body = seen.json() or {}
        token = seen.query.get("page_token", [body.get("pageToken", "0")])[0]
        start = int(token or 0)
        following = start + size if start + size < total else None
        if repeat_at is not None and following is not None and following > repeat_at:
            following = repeat_at  # a broken server: sends a cursor it sent before
        items = [{"id": n} for n in range(start, min(start + size, total))]
        return Reply(body={"list": items, "nextPageToken": "" if following is None else str(following)})

    return handle


@pytest.mark.parametrize(("container", "cursor"), [("params", "page_token"), ("json", "pageToken")])
def test_pagination_walks_every_page_lazily(container: str, cursor: str) -> None:
    method = "GET" if container == "params" else "POST"
    options = {"method": method, "url": "/api/v1/things", container: {"pageSize": 3}}
    with LoopbackServer(pages(10, 3)) as server:
        c1, _ = client(server)
        items = c1.paginate(
            options, Page, container=container, cursor=cursor, items="list_",
            next_cursor="next_page_token", idempotent=True,
        )  # fmt: skip
        first_two = list(itertools.islice(items, 2))
        assert len(server.seen) == 1  # only the first page so far
        rest = list(items)
    assert [item["id"] for item in first_two + rest] == list(range(10))
    assert len(server.seen) == 4
    if container == "json":
        assert [s.json() for s in server.seen][1] == {"pageSize": 3, "pageToken": "3"}


def test_a_repeated_cursor_stops_with_an_error() -> None:
    options = {"method": "GET", "url": "/api/v1/things"}
    with LoopbackServer(pages(100, 2, repeat_at=4)) as server:
        c1, _ = client(server)
        walked: list[Any] = []
        with pytest.raises(PaginationError, match="repeated the page cursor '4'"):
            for item in c1.paginate(
                options, Page, container="params", cursor="page_token", items="list_",
                next_cursor="next_page_token", idempotent=True,
            ):  # fmt: skip
                walked.append(item)
    assert len(walked) == 6 and len(server.seen) == 3


def test_async_pagination() -> None:
    async def run(server: LoopbackServer) -> list[int]:
        async with AsyncConductorOne(access_token="t", server_url=server.url) as c1:
            found = c1.paginate(
                {"method": "GET", "url": "/x"}, Page, container="params", cursor="page_token",
                items="list_", next_cursor="next_page_token", idempotent=True,
            )  # fmt: skip
            return [item["id"] async for item in found]

    with LoopbackServer(pages(7, 2)) as server:
        assert asyncio.run(run(server)) == list(range(7))


def test_a_passing_token_endpoint_failure_is_retried_and_logged_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = iter([Reply(503, {"error": "temporarily_unavailable"}, {"Retry-After": "0"})])

    def handle(seen: Seen) -> Reply:
        if seen.path == "/auth/v1/token":
            return next(answers, Reply(body={"access_token": "the-access-token", "expires_in": 3600}))
        return Reply(body=OWNER)

    secret, _ = make_secret()
    with LoopbackServer(handle) as server, caplog.at_level("INFO", logger="conductorone"):
        c1 = ConductorOne(client_id=CLIENT_ID, client_secret=secret, server_url=server.url)
        c1.app_entitlement_owners_v2.create_entitlement_owner(**POST_ARGS)  # safe: the API saw nothing yet
    assert [s.path for s in server.seen] == [
        "/auth/v1/token",
        "/auth/v1/token",
        "/api/v2/apps/a/entitlements/b/owners/entitlements/c/d/e",
    ]
    # one retry line (the other INFO lines are the request/response log, see test_client.py)
    (record,) = [r for r in caplog.records if "retry" in r.getMessage()]
    assert "after token endpoint HTTP 503" in record.getMessage()
    for text in (record.getMessage(), caplog.text):
        assert "the-access-token" not in text and secret.rsplit(":", 1)[1] not in text


def test_page_by_page_with_the_cursor_and_no_cursor_for_the_first_page() -> None:
    options = {"method": "GET", "url": "/api/v1/things", "params": {"page_token": None, "pageSize": 4}}
    with LoopbackServer(pages(10, 4)) as server:
        c1, _ = client(server)
        walk = c1.paginate(
            options, Page, container="params", cursor="page_token", items="list_",
            next_cursor="next_page_token", idempotent=True,
        )  # fmt: skip
        found = [(len(page.list_), page.next_page_token) for page in walk.pages()]
        assert found == [(4, "4"), (4, "8"), (2, "")]
        assert "page_token" not in server.seen[0].query  # None: the first page, not "?page_token="
        assert [s.query.get("page_token") for s in server.seen[1:]] == [["4"], ["8"]]
        assert [p.next_page_token for p in walk.pages()] == ["4", "8", ""]  # pages() starts afresh

    async def run(server: LoopbackServer) -> list[str]:
        async with AsyncConductorOne(access_token="t", server_url=server.url) as ac1:
            walk = ac1.paginate(
                {"method": "GET", "url": "/x"}, Page, container="params", cursor="page_token",
                items="list_", next_cursor="next_page_token", idempotent=True,
            )  # fmt: skip
            return [page.next_page_token async for page in walk.pages()]

    with LoopbackServer(pages(5, 2)) as server:
        assert asyncio.run(run(server)) == ["2", "4", ""]
