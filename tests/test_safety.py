"""Safe in production: concurrency and faults against real loopback servers.

A :class:`Tenant` plays one ConductorOne tenant on 127.0.0.1: its token endpoint (client
credentials, signed assertions) and its API, which revokes the current token on cue. A
second server plays "another origin" and records anything that reaches it: credentials
must never do so.

Limits are derived from the configured timeout ``TIMEOUT`` and the client's backoff,
never from guesses about the machine's speed: a call that waits for a pooled connection
longer than ``TIMEOUT`` fails with PoolTimeout, and every call must succeed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from conductorone import (
    APIResponseValidationError,
    APIStatusError,
    AsyncConductorOne,
    AuthenticationError,
    ConductorOne,
    ConductorOneError,
    CredentialsError,
    InternalServerError,
    NotFoundError,
)
from conductorone._base_client import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from conductorone._exceptions import ClientClosedError, ResponseTooLargeError

from .conftest import UpstreamBuild, run_against
from .keys import make_secret
from .loopback import LoopbackServer, Reply, Seen
from .test_client import GET_ARGS, OWNER

TIMEOUT = 10.0  # every phase of every request (pool, connect, write, read)
THREADS = TASKS = 32
CALLS_EACH = 6


class Tenant:
    """Token endpoint + API of one tenant; ``revoke_at``: API call numbers at which the
    newest token is revoked (every call still holding it gets 401 from then on)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.issued: list[str] = []
        self.revoked: set[str] = set()
        self.token_requests = 0
        self.api_calls = 0
        self.revoke_at: set[int] = set()
        self.token_reply: Callable[[int], Reply | None] = lambda number: None  # a fault, or None
        self.api_reply: Callable[[Seen], Reply | None] = lambda seen: None
        self.server = LoopbackServer(self)
        self.url = self.server.url

    def __call__(self, seen: Seen) -> Reply:
        if seen.path == "/auth/v1/token":
            with self.lock:
                self.token_requests += 1
                number = self.token_requests
            fault = self.token_reply(number)
            if fault is not None:
                return fault
            token = f"token-{number}"
            with self.lock:
                self.issued.append(token)
            return Reply(body={"access_token": token, "token_type": "Bearer", "expires_in": 300}, delay=0.05)
        fault = self.api_reply(seen)
        if fault is not None:
            return fault
        token = seen.headers.get("authorization", "").removeprefix("Bearer ")
        with self.lock:
            self.api_calls += 1
            if self.api_calls in self.revoke_at and self.issued:
                self.revoked.add(self.issued[-1])
            ok = token in self.issued and token not in self.revoked
        return Reply(body=OWNER) if ok else Reply(401, {"code": 16, "message": "token revoked"})

    def __enter__(self) -> Tenant:
        self.server.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.__exit__(*args)


@pytest.fixture()
def tenant() -> Iterator[Tenant]:
    with Tenant() as running:
        yield running


@pytest.fixture()
def elsewhere() -> Iterator[LoopbackServer]:
    """Another origin (another port): nothing of the tenant's may ever reach it."""
    with LoopbackServer(lambda seen: Reply(200, {"access_token": "stolen", "expires_in": 60})) as server:
        yield server


SECRET, _PUBLIC = make_secret()


def credentials(tenant: Tenant) -> dict[str, Any]:
    port = tenant.url.rsplit(":", 1)[1]
    return {
        "client_id": f"clever-fox-1@127.0.0.1:{port}/pcc",
        "client_secret": SECRET,
        "server_url": tenant.url,
    }


class Outcomes:
    """What each call did: its exception (if any) and how long it took."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.errors: list[BaseException] = []
        self.latencies: list[float] = []

    def record(self, started: float, error: BaseException | None) -> None:
        with self.lock:
            self.latencies.append(time.monotonic() - started)
            if error is not None:
                self.errors.append(error)

    def foreign(self) -> list[str]:
        return [
            f"{type(e).__module__}.{type(e).__name__}: {e}"
            for e in self.errors
            if not isinstance(e, ConductorOneError)
        ]


def run_threads(c1: ConductorOne, threads: int, calls: int, call: Callable[[ConductorOne], Any]) -> Outcomes:
    outcomes = Outcomes()
    barrier = threading.Barrier(threads)

    def worker() -> None:
        barrier.wait(timeout=30)
        for _ in range(calls):
            started = time.monotonic()
            try:
                call(c1)
            except BaseException as error:  # everything is recorded; the test says what is allowed
                outcomes.record(started, error)
            else:
                outcomes.record(started, None)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in pool), "a call never returned"
    return outcomes


def run_tasks(c1: AsyncConductorOne, tasks: int, calls: int) -> Outcomes:
    outcomes = Outcomes()

    async def worker() -> None:
        for _ in range(calls):
            started = time.monotonic()
            try:
                await c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)
            except Exception as error:
                outcomes.record(started, error)
            else:
                outcomes.record(started, None)

    async def main() -> None:
        async with c1:
            await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(tasks))), timeout=300)

    asyncio.run(main())
    return outcomes


def get_owner(c1: ConductorOne) -> Any:
    return c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)


# -- revocation under load ------------------------------------------------------------------
# Rounds of 32 callers making 6 calls each, the token revoked in the middle of each round
# (call 40 of 192): one token request to start and one per revocation, every call succeeds,
# none takes longer than one timeout (no backoff is due: nothing failed), also with a pool
# of 2 connections for 32 callers. (One revocation per round: a second one while retries of
# the first still wait for a connection would rightly fail them, a call is retried once.)
ROUNDS = 2


@pytest.mark.parametrize("pool", [None, 2], ids=["default-pool", "pool-of-2"])
def test_revocation_under_32_threads(tenant: Tenant, pool: int | None) -> None:
    http = httpx.Client(limits=httpx.Limits(max_connections=pool)) if pool else None
    c1 = ConductorOne(**credentials(tenant), timeout=TIMEOUT, http_client=http)
    outcomes = []
    with c1:
        for _ in range(ROUNDS):
            tenant.revoke_at = {tenant.api_calls + 40}
            outcomes.append(run_threads(c1, THREADS, CALLS_EACH, get_owner))
    if http is not None:
        http.close()
    for outcome in outcomes:
        assert outcome.errors == [], outcome.foreign() or outcome.errors[:3]
        assert len(outcome.latencies) == THREADS * CALLS_EACH
        assert max(outcome.latencies) < TIMEOUT
    assert tenant.token_requests == 1 + ROUNDS


@pytest.mark.parametrize("pool", [None, 2], ids=["default-pool", "pool-of-2"])
def test_revocation_under_32_tasks(tenant: Tenant, pool: int | None) -> None:
    outcomes = []
    for _ in range(ROUNDS):
        tenant.revoke_at = {tenant.api_calls + 40}
        http = httpx.AsyncClient(limits=httpx.Limits(max_connections=pool)) if pool else None
        c1 = AsyncConductorOne(**credentials(tenant), timeout=TIMEOUT, http_client=http)
        outcomes.append(run_tasks(c1, TASKS, CALLS_EACH))
    for outcome in outcomes:
        assert outcome.errors == [], outcome.foreign() or outcome.errors[:3]
        assert len(outcome.latencies) == TASKS * CALLS_EACH
        assert max(outcome.latencies) < TIMEOUT
    assert tenant.token_requests == 2 * ROUNDS  # a new client each round: its first token, then one


def test_two_credentials_on_one_token_server_each_get_their_own_token(tenant: Tenant) -> None:
    seen_tokens: list[str] = []
    tenant.api_reply = lambda seen: seen_tokens.append(seen.headers["authorization"]) or None  # type: ignore[func-returns-value]
    other_secret, _ = make_secret()
    with (
        ConductorOne(**credentials(tenant)) as first,
        ConductorOne(**{**credentials(tenant), "client_secret": other_secret}) as second,
    ):
        for c1 in (first, second, first, second):
            get_owner(c1)
    assert tenant.token_requests == 2
    assert seen_tokens == ["Bearer token-1", "Bearer token-2", "Bearer token-1", "Bearer token-2"]


# -- token endpoint failures and stalls -----------------------------------------------------


def _bound(retries: int, timeout: float) -> float:
    """The longest a call may take when every attempt waits out a token request: each
    attempt at most one wait for another call's token request (its four timeout phases and a
    second), then the backoff before the next attempt."""
    per_attempt = 4 * timeout + 1
    backoffs = sum(min(INITIAL_RETRY_DELAY * 2.0**n, MAX_RETRY_DELAY) for n in range(retries))
    return (retries + 1) * per_attempt + backoffs


def test_token_endpoint_stall_fails_every_call_typed_and_in_time(tenant: Tenant) -> None:
    timeout, retries = 1.0, 2
    tenant.token_reply = lambda number: Reply(body={"access_token": "late"}, delay=timeout * 3)
    c1 = ConductorOne(**credentials(tenant), timeout=timeout, max_retries=retries)
    with c1:
        outcomes = run_threads(c1, THREADS, 1, get_owner)
    assert len(outcomes.errors) == THREADS and outcomes.foreign() == []
    assert max(outcomes.latencies) <= _bound(retries, timeout)
    # one token request per wave of retries, however many calls wait (and slack for a straggler)
    assert tenant.token_requests <= 2 * (retries + 1)
    assert tenant.api_calls == 0


def test_token_endpoint_errors_then_recovery_under_32_threads(tenant: Tenant) -> None:
    tenant.token_reply = lambda number: (
        Reply(503, {"error": "temporarily_unavailable"}) if number == 1 else None
    )
    c1 = ConductorOne(**credentials(tenant), timeout=TIMEOUT, max_retries=2)
    c1._sleep = lambda seconds: time.sleep(min(seconds, 0.05))
    with c1:
        outcomes = run_threads(c1, THREADS, 2, get_owner)
    assert outcomes.errors == [], outcomes.foreign() or outcomes.errors[:3]
    assert tenant.token_requests <= 3  # the failed one, then one (a straggler may start another)


def test_token_endpoint_refusal_is_shared_and_typed(tenant: Tenant) -> None:
    tenant.token_reply = lambda number: Reply(
        401, {"error": "invalid_client", "error_description": "revoked"}
    )
    c1 = ConductorOne(**credentials(tenant), timeout=TIMEOUT)
    with c1:
        outcomes = run_threads(c1, THREADS, 1, get_owner)
    assert len(outcomes.errors) == THREADS
    assert all(isinstance(e, AuthenticationError) and e.error == "invalid_client" for e in outcomes.errors)
    assert tenant.api_calls == 0


# -- hostile bodies -------------------------------------------------------------------------
DEEP = ("[" * 100_000 + "]" * 100_000).encode()
DEEP_OBJECT = b'{"appOwnerEntitlement": ' + DEEP + b"}"


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (Reply(200, DEEP), APIResponseValidationError, "not JSON"),
        (Reply(200, DEEP_OBJECT), APIResponseValidationError, "not JSON"),
        (Reply(404, DEEP), NotFoundError, "HTTP 404"),
        (Reply(500, DEEP), InternalServerError, "HTTP 500"),
        (Reply(200, b'{"appOwnerEntitlement": {"appId": 1e99999}}'), None, ""),
        (Reply(200, b"[" * 10 + b"1" * 5000 + b"]" * 10), APIResponseValidationError, ""),
    ],
    ids=["deep-2xx", "deep-field", "deep-404", "deep-500", "huge-float", "huge-int"],
)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_hostile_api_bodies_are_typed_errors(
    tenant: Tenant, reply: Reply, error: type[Exception] | None, words: str, kind: str
) -> None:
    tenant.api_reply = lambda seen: reply
    caught = _call(kind, {**credentials(tenant), "max_retries": 0})
    if error is None:
        assert caught is None or isinstance(caught, ConductorOneError), caught
    else:
        assert isinstance(caught, error) and words in str(caught), repr(caught)


def _call(kind: str, settings: dict[str, Any]) -> BaseException | None:
    try:
        if kind == "sync":
            with ConductorOne(**settings) as c1:
                get_owner(c1)
        else:

            async def run() -> None:
                async with AsyncConductorOne(**settings) as c1:
                    await c1.app_owners_v2.get_entitlement_owner(**GET_ARGS)

            asyncio.run(run())
    except BaseException as error:
        return error
    return None


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_compressed_bomb_stops_at_the_bound(tenant: Tenant, kind: str) -> None:
    bomb = gzip.compress(b"[" + b" " * (80 * 1024 * 1024) + b"]", compresslevel=9)
    assert len(bomb) < 200_000
    tenant.api_reply = lambda seen: Reply(200, bomb, {"Content-Encoding": "gzip"})
    caught = _call(kind, credentials(tenant))  # the default bound: 64 MiB
    assert isinstance(caught, ResponseTooLargeError) and caught.limit == 64 * 1024 * 1024, repr(caught)
    tenant.api_reply = lambda seen: Reply(200, b"x" * 2048)
    caught = _call(kind, {**credentials(tenant), "max_response_bytes": 1024})
    assert isinstance(caught, ResponseTooLargeError) and "larger than 1,024 bytes" in str(caught)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (DEEP, AuthenticationError),
        (b'{"access_token": "ok", "expires_in": ' + b"9" * 400 + b"}", None),
        (b'{"access_token": "ok", "expires_in": Infinity}', None),
        (b'{"access_token": "ok\\r\\nX-Evil: 1", "expires_in": 60}', AuthenticationError),
        (b'{"access_token": ' + gzip.compress(b"0") + b"}", AuthenticationError),
    ],
    ids=["deep", "400-digits", "infinity", "crlf-token", "binary"],
)
def test_hostile_token_responses(tenant: Tenant, body: bytes, error: type[Exception] | None) -> None:
    tenant.token_reply = lambda number: Reply(200, body)
    tenant.api_reply = lambda seen: Reply(body=OWNER)
    caught = _call("sync", {**credentials(tenant), "max_retries": 0})
    if error is None:
        assert caught is None, repr(caught)
    else:
        assert isinstance(caught, error), repr(caught)


@pytest.mark.parametrize("expires_in", [0, -5, "NaN", "soon"])
def test_an_expired_or_meaningless_expires_in_is_not_cached(tenant: Tenant, expires_in: Any) -> None:
    body = (
        f'{{"access_token": "t", "expires_in": {json.dumps(expires_in) if expires_in != "NaN" else "NaN"}}}'
    )
    tenant.token_reply = lambda number: Reply(200, body.encode())
    tenant.api_reply = lambda seen: Reply(body=OWNER)
    with ConductorOne(**credentials(tenant)) as c1:
        get_owner(c1)
        get_owner(c1)
    assert tenant.token_requests == 2


def test_an_infinite_expires_in_is_refreshed_after_a_day() -> None:
    from conductorone._auth import MAX_TOKEN_LIFETIME, token_lifetime

    assert token_lifetime(float("inf")) == token_lifetime(10**400) == MAX_TOKEN_LIFETIME == 86400
    assert token_lifetime(None) == 300 and token_lifetime(60) == 60 and token_lifetime("120") == 120
    assert (
        token_lifetime(0)
        is token_lifetime(-1)
        is token_lifetime(float("nan"))
        is token_lifetime(True)
        is None
    )


# -- credentials stay with their origin -----------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_the_token_request_never_follows_a_redirect(
    tenant: Tenant, elsewhere: LoopbackServer, status: int
) -> None:
    tenant.token_reply = lambda number: Reply(status, b"", {"Location": f"{elsewhere.url}/auth/v1/token"})
    for http in (None, httpx.Client(follow_redirects=True)):
        caught = _call("sync", {**credentials(tenant), "http_client": http, "max_retries": 0})
        assert isinstance(caught, AuthenticationError) and "redirect, not followed" in str(caught), repr(
            caught
        )
    assert elsewhere.seen == []


def test_the_exchanged_oidc_token_never_follows_a_redirect(tenant: Tenant, elsewhere: LoopbackServer) -> None:
    tenant.token_reply = lambda number: Reply(307, b"", {"Location": f"{elsewhere.url}/auth/v1/token"})
    settings = {
        "oidc_token": "ci-oidc-token",
        "client_id": credentials(tenant)["client_id"],
        "server_url": tenant.url,
    }
    caught = _call("async", {**settings, "http_client": httpx.AsyncClient(follow_redirects=True)})
    assert isinstance(caught, AuthenticationError)
    assert elsewhere.seen == []


def test_an_api_redirect_to_another_origin_is_not_followed(tenant: Tenant, elsewhere: LoopbackServer) -> None:
    tenant.api_reply = lambda seen: Reply(307, b"", {"Location": f"{elsewhere.url}/steal"})
    caught = _call("sync", {**credentials(tenant), "http_client": httpx.Client(follow_redirects=True)})
    assert isinstance(caught, APIStatusError) and caught.status_code == 307
    assert elsewhere.seen == []


def test_a_users_http_client_is_never_changed(tenant: Tenant, elsewhere: LoopbackServer) -> None:
    other = Tenant()
    with other, httpx.Client(timeout=300, headers={"X-Team": "infra"}) as mine:
        before = (mine.base_url, mine.auth, mine.timeout, dict(mine.headers), mine.follow_redirects)
        a = ConductorOne(**credentials(tenant), http_client=mine)
        b = ConductorOne(**credentials(other), http_client=mine)
        assert a.timeout == mine.timeout  # not given: the user's client's own
        get_owner(a), get_owner(b), get_owner(a)
        assert (mine.base_url, mine.auth, mine.timeout, dict(mine.headers), mine.follow_redirects) == before
        mine.get(f"{elsewhere.url}/user")  # the user's own use of their client
    assert tenant.token_requests == other.token_requests == 1
    assert tenant.api_calls == 2 and other.api_calls == 1  # each client to its own server
    assert [seen.headers.get("authorization") for seen in elsewhere.seen] == [None]
    assert elsewhere.seen[0].headers["user-agent"].startswith("python-httpx/")


@pytest.mark.parametrize(
    "client_id",
    [
        "ci-bot@acme.conductor.one@127.0.0.1:9/pcc",
        "ci-bot@acme.conductor.one?x=/pcc",
        "ci-bot@acme.conductor.one#x/pcc",
        "ci-bot@acme.conductor.one\\@evil/pcc",
        "ci-bot@ac me/pcc",
    ],
)
def test_a_client_id_host_passes_the_server_url_rules(client_id: str) -> None:
    with pytest.raises(CredentialsError, match="client ID"):
        ConductorOne(client_id=client_id, client_secret=SECRET)


@pytest.mark.parametrize("token", ["tok-123\n", "  tok-123\r\n", "\ttok-123 "])
def test_surrounding_whitespace_is_stripped_from_tokens(tenant: Tenant, token: str) -> None:
    tenant.issued.append("tok-123")
    with ConductorOne(access_token=token, server_url=tenant.url) as c1:
        get_owner(c1)
    assert tenant.api_calls == 1


@pytest.mark.parametrize("token", ["tok\n123", "tok\r\nX-Evil: 1", "tok 123", "tök"])
def test_tokens_with_breaks_inside_are_refused_never_echoed(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CredentialsError) as caught:
        ConductorOne(access_token=token, tenant="acme")
    assert "access_token" in str(caught.value) and token.strip() not in str(caught.value)
    monkeypatch.setenv("CONDUCTORONE_OIDC_TOKEN", token)
    monkeypatch.setenv("CONDUCTORONE_CLIENT_ID", "ci@acme.conductor.one/wfe")
    with pytest.raises(CredentialsError, match="CONDUCTORONE_OIDC_TOKEN") as caught:
        ConductorOne()
    assert token.strip() not in str(caught.value)


# -- every failure typed --------------------------------------------------------------------


def test_use_after_close_is_typed(tenant: Tenant) -> None:
    c1 = ConductorOne(**credentials(tenant))
    get_owner(c1)
    c1.close()
    with pytest.raises(ClientClosedError, match="closed"):
        get_owner(c1)
    mine = httpx.Client()
    mine.close()
    with pytest.raises(ClientClosedError):
        get_owner(ConductorOne(**credentials(tenant), http_client=mine))

    async def run() -> None:
        client = AsyncConductorOne(**credentials(tenant))
        await client.close()
        await client.app_owners_v2.get_entitlement_owner(**GET_ARGS)

    with pytest.raises(ClientClosedError):
        asyncio.run(run())


def test_retries_never_exceed_what_the_caller_set(tenant: Tenant) -> None:
    tenant.api_reply = lambda seen: Reply(503)
    with ConductorOne(**credentials(tenant), max_retries=1) as c1:
        c1._sleep = lambda seconds: None
        with pytest.raises(ValueError, match="max_retries"):
            c1.app_owners_v2.get_entitlement_owner(**GET_ARGS, max_retries=-1)
        with pytest.raises(ValueError, match="max_retries"):
            c1.with_options(max_retries=-2)
        with pytest.raises(InternalServerError):
            get_owner(c1)
    assert len([seen for seen in tenant.server.seen if seen.path != "/auth/v1/token"]) == 2  # 1 + 1 retry
    with pytest.raises(ValueError, match="max_retries"):
        ConductorOne(**credentials(tenant), max_retries=-1)


@pytest.mark.parametrize("cls", [ConductorOne, AsyncConductorOne])
def test_clients_refuse_pickling(cls: type[Any]) -> None:
    client = cls(access_token="tok-secret", tenant="acme")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client._auth)


# -- idempotency from semantics (on a 2026-02 build) ----------------------------------------


def test_only_reads_are_retried_after_they_may_have_reached_the_server(
    upstream_build: Callable[[str], UpstreamBuild],
) -> None:
    """A read timeout may come after the server acted. paper_secret.get_content (POST .../view,
    counted against maxViews) is not sent again; app_search.search (a POST that only reads) is;
    a refused connection (nothing sent) is retried for both."""
    _spec, package_dir, _report = upstream_build("2026-02")
    run_against(
        package_dir.parent,
        """
        import httpx
        from conductorone import ConductorOne, APITimeoutError
        from conductorone_api.api.paper_secret import get_content
        from conductorone_api.api.app_search import search
        assert get_content.HTTP_METHOD == search.HTTP_METHOD == "POST"
        assert get_content.IDEMPOTENT is False and search.IDEMPOTENT is True
        sent = []
        fault = httpx.ReadTimeout

        def answer(request):
            sent.append(request.url.path)
            if len(sent) == 1:
                raise fault("lost", request=request)
            return httpx.Response(200, json={})

        def client():
            http = httpx.Client(transport=httpx.MockTransport(answer))
            c1 = ConductorOne(access_token="t", server_url="https://acme.conductor.one", http_client=http)
            c1._sleep = lambda seconds: None
            return c1

        try:
            client().paper_secret.get_content(vault_id="v1")
        except APITimeoutError:
            pass
        else:
            raise AssertionError("get_content was retried after a read timeout")
        assert sent == ["/api/v1/secrets/v1/view"], sent
        sent.clear()
        client().app_search.search(query="git")
        assert sent == ["/api/v1/search/apps"] * 2, sent
        sent.clear()
        fault = httpx.ConnectError
        client().paper_secret.get_content(vault_id="v1")
        assert len(sent) == 2, sent
        """,
    )
