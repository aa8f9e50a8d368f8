"""Client-credentials auth against a real token server on loopback.

The server verifies each assertion's EdDSA signature with the public half of the key using
``cryptography`` directly (not joserfc, which signs), checks every claim and form field, and
issues short-lived tokens; the API side checks the bearer token.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from conductorone._auth import (
    ASSERTION_TYPE,
    TOKEN_EXCHANGE_GRANT,
    BearerTokenAuth,
    ClientCredentialsAuth,
    TokenExchangeAuth,
)
from conductorone._credentials import ClientId, ClientSecret
from conductorone._exceptions import AuthenticationError, CredentialsError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .keys import CLIENT_ID, b64, make_secret, unb64

OIDC_TOKEN = "eyJ.ci-issued.oidc"


class TokenServer:
    """Token endpoint + a protected API path, on 127.0.0.1, stopped after each test."""

    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self.public_key = public_key
        self.token_requests = 0
        self.api_requests = 0
        self.lifetime = 60
        self.token_status: int | None = None  # force an error status
        self.token_body: bytes | None = None  # force a body
        self.token_delay = 0.05  # a slow token endpoint makes concurrent callers overlap
        self.reject_tokens: set[str] = set()
        self.problems: list[str] = []
        self.issued: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/auth/v1/token":
                    time.sleep(server.token_delay)
                    status, body = server.token(form, self.headers.get("Content-Type", ""))
                    self._send(status, body)
                else:
                    self.do_GET()

            def do_GET(self) -> None:
                with server.lock:
                    server.api_requests += 1
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                ok = token in server.issued and token not in server.reject_tokens
                self._send(200 if ok else 401, b'{"ok": true}' if ok else b'{"code": 16}')

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def token(self, form: dict[str, str], content_type: str) -> tuple[int, bytes]:
        with self.lock:
            self.token_requests += 1
            number = self.token_requests
        if self.token_status is not None:
            return (
                self.token_status,
                self.token_body or b'{"error": "invalid_client", "error_description": "nope"}',
            )
        if self.token_body is not None:
            return 200, self.token_body
        try:
            self.verify(form, content_type)
        except AssertionError as err:
            self.problems.append(str(err))
            return 401, b'{"error": "invalid_client"}'
        token = f"token-{number}"
        self.issued.append(token)
        return 200, json.dumps(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}
        ).encode()

    def verify(self, form: dict[str, str], content_type: str) -> None:
        assert content_type.startswith("application/x-www-form-urlencoded"), content_type
        if form.get("grant_type") == TOKEN_EXCHANGE_GRANT:
            assert form == {
                "grant_type": TOKEN_EXCHANGE_GRANT,
                "client_id": CLIENT_ID,
                "subject_token": OIDC_TOKEN,
                "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            }, form
            return
        assert form.keys() == {"client_id", "grant_type", "client_assertion_type", "client_assertion"}, (
            form.keys()
        )
        assert form["client_id"] == CLIENT_ID and form["grant_type"] == "client_credentials"
        assert form["client_assertion_type"] == ASSERTION_TYPE
        header_b64, claims_b64, signature_b64 = form["client_assertion"].split(".")
        self.public_key.verify(
            unb64(signature_b64), f"{header_b64}.{claims_b64}".encode()
        )  # raises if forged
        header, claims = json.loads(unb64(header_b64)), json.loads(unb64(claims_b64))
        assert header["alg"] == "EdDSA" and len(unb64(header["nonce"])) == 16, header
        now = time.time()
        assert claims["iss"] == claims["sub"] == CLIENT_ID
        assert claims["aud"] == "127.0.0.1"  # the token host, without the port
        assert abs(claims["iat"] - now) < 5
        assert claims["nbf"] == claims["iat"] - 120 and claims["exp"] == claims["iat"] + 120

    def __enter__(self) -> TokenServer:
        self.thread.start()
        return self

    def __exit__(self, *args: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture()
def keypair() -> tuple[str, Ed25519PublicKey]:
    return make_secret()


@pytest.fixture()
def server(keypair: tuple[str, Ed25519PublicKey]) -> Iterator[TokenServer]:
    with TokenServer(keypair[1]) as running:
        yield running


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _auth(keypair: tuple[str, Ed25519PublicKey], server: TokenServer, **kwargs: Any) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(ClientId(CLIENT_ID), ClientSecret(keypair[0]), server.url, **kwargs)


def test_first_token_then_cached(keypair: tuple[str, Ed25519PublicKey], server: TokenServer) -> None:
    with httpx.Client(base_url=server.url, auth=_auth(keypair, server), timeout=5) as client:
        assert [client.get("/api/v1/apps").status_code for _ in range(3)] == [200, 200, 200]
    assert server.problems == []
    assert server.token_requests == 1 and server.api_requests == 3


def test_refresh_before_expiry(keypair: tuple[str, Ed25519PublicKey], server: TokenServer) -> None:
    clock = FakeClock()
    with httpx.Client(base_url=server.url, auth=_auth(keypair, server, clock=clock), timeout=5) as client:
        assert client.get("/x").status_code == 200
        clock.now += 50  # inside the 60 s lifetime and before its last 10% (54 s): cached
        assert client.get("/x").status_code == 200
        assert server.token_requests == 1
        clock.now += 5  # 55 s: still valid for 5 s, but inside the last 10%: refreshed early
        assert client.get("/x").status_code == 200
        assert server.token_requests == 2
        clock.now += 5
        assert client.get("/x").status_code == 200
    assert server.token_requests == 2


def test_fifty_threads_share_one_token_request(
    keypair: tuple[str, Ed25519PublicKey], server: TokenServer
) -> None:
    statuses: list[int] = []
    # generous limits: the point is one token request, not speed on a loaded machine
    with httpx.Client(base_url=server.url, auth=_auth(keypair, server), timeout=60) as client:
        barrier = threading.Barrier(50)

        def call() -> None:
            barrier.wait(timeout=60)
            statuses.append(client.get("/x").status_code)

        threads = [threading.Thread(target=call) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert statuses == [200] * 50
    assert server.token_requests == 1


async def _gather_fifty(auth: ClientCredentialsAuth, url: str) -> list[int]:
    import asyncio

    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=60) as client:
        responses = await asyncio.gather(*(client.get("/x") for _ in range(50)))
    return [r.status_code for r in responses]


def test_fifty_tasks_share_one_token_request(
    keypair: tuple[str, Ed25519PublicKey], server: TokenServer
) -> None:
    import asyncio

    assert asyncio.run(_gather_fifty(_auth(keypair, server), server.url)) == [200] * 50
    assert server.token_requests == 1


def test_401_refreshes_once_and_retries_once(
    keypair: tuple[str, Ed25519PublicKey], server: TokenServer
) -> None:
    with httpx.Client(base_url=server.url, auth=_auth(keypair, server), timeout=5) as client:
        assert client.get("/x").status_code == 200
        server.reject_tokens.add("token-1")  # revoked server-side
        assert client.post("/x", json={"a": 1}).status_code == 200
        assert server.token_requests == 2 and server.api_requests == 3
        server.reject_tokens.update({"token-2", "token-3"})  # the new token is refused too
        assert client.get("/x").status_code == 401  # returned, not looped
    assert server.token_requests == 3 and server.api_requests == 5


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            400,
            b'{"error": "invalid_request", "error_description": "bad assertion"}',
            "HTTP 400 from the token endpoint: it refused to issue an access token (invalid_request: bad assertion)",
        ),
        (
            401,
            b'{"error": "invalid_client"}',
            "HTTP 401 from the token endpoint: it refused to issue an access token (invalid_client)",
        ),
        (500, b"<html>oops</html>", "HTTP 500 from the token endpoint"),
        (200, b"not json", "its body is not a JSON object"),
        (200, b'{"access_token": "", "expires_in": 60}', "without a usable access token"),
    ],
)
def test_token_endpoint_failures(
    keypair: tuple[str, Ed25519PublicKey], server: TokenServer, status: int, body: bytes, expected: str
) -> None:
    server.token_status, server.token_body = (status, body) if status != 200 else (None, body)
    with (
        httpx.Client(base_url=server.url, auth=_auth(keypair, server), timeout=5) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.get("/x")
    assert expected in str(caught.value)
    assert caught.value.status_code == status
    assert keypair[0].split(":")[-1] not in str(caught.value)


def test_static_bearer_token(server: TokenServer) -> None:
    server.issued.append("static-token")
    with httpx.Client(base_url=server.url, auth=BearerTokenAuth("static-token"), timeout=5) as client:
        assert client.get("/x").status_code == 200
    assert server.token_requests == 0
    assert "static-token" not in repr(BearerTokenAuth("static-token"))


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("nope", "expected 4 ':'-separated fields"),
        ("secret-token:example.com:v1:abc", "must start with 'secret-token:conductorone.com:'"),
        ("secret-token:conductorone.com:v2:abc", "unsupported version"),
        ("secret-token:conductorone.com:v1:a+b/c=", "not unpadded base64url"),
        ("secret-token:conductorone.com:v1:" + b64(b"not json"), "not JSON"),
        ("secret-token:conductorone.com:v1:" + b64(b'{"kty": "RSA", "n": "x"}'), "expected an Ed25519 key"),
        (make_secret({"d": None})[0], "only a public key"),
        (make_secret({"crv": "X25519"})[0], "expected an Ed25519 key"),
    ],
)
def test_malformed_secrets_say_which_part(secret: str, message: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        ClientSecret(secret)
    assert message in str(caught.value)
    payload = secret.split(":")[-1]
    assert len(payload) < 8 or payload not in str(caught.value)


@pytest.mark.parametrize("client_id", ["no-at-sign/pcc", "name@host-without-slash", "name@/pcc"])
def test_malformed_client_ids(client_id: str) -> None:
    with pytest.raises(CredentialsError, match="client ID is malformed"):
        ClientId(client_id)


def test_server_host_from_client_id() -> None:
    assert ClientId("a@acme/pcc").server_host == "acme.conductor.one"
    assert ClientId("a@ACME.conductor.one/pcc").server_host == "acme.conductor.one"
    assert ClientId("a@c1.example.com/wfe").server_host == "c1.example.com"


def test_secrets_are_redacted(keypair: tuple[str, Ed25519PublicKey], server: TokenServer) -> None:
    secret = ClientSecret(keypair[0])
    auth = _auth(keypair, server)
    payload = keypair[0].split(":")[-1]
    for text in (repr(secret), str(secret), repr(auth), str(auth)):
        assert payload not in text and "redacted" in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


def test_token_exchange(server: TokenServer) -> None:
    auth = TokenExchangeAuth(ClientId(CLIENT_ID), OIDC_TOKEN, server.url)
    with httpx.Client(base_url=server.url, auth=auth, timeout=5) as client:
        assert [client.get("/x").status_code for _ in range(2)] == [200, 200]
    assert server.token_requests == 1 and not server.problems
    assert OIDC_TOKEN not in repr(auth)


def test_token_endpoint_timeout_is_an_api_timeout(
    keypair: tuple[str, Ed25519PublicKey], server: TokenServer
) -> None:
    from conductorone import APITimeoutError, ConductorOne

    server.token_delay = 2.0
    c1 = ConductorOne(client_id=CLIENT_ID, client_secret=keypair[0], server_url=server.url, timeout=0.3)
    c1.max_retries = 0
    started = time.monotonic()
    with c1, pytest.raises(APITimeoutError, match="POST /auth/v1/token timed out"):
        c1.app_owners_v2.get_entitlement_owner(
            app_id="a", role_slug="b", app_entitlement_ref_app_id="c", app_entitlement_ref_id="d"
        )
    assert time.monotonic() - started < 1.5
