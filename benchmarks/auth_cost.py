"""What authentication costs: signing an assertion, and a call with a cached token.

    .venv/bin/python -m benchmarks.auth_cost [--calls N]

- Signing: ``sign_assertion`` (a fresh EdDSA JWT with nonce, via joserfc) per token
  request, against a bare Ed25519 signature of the same bytes with ``cryptography`` (the
  floor: what any implementation must spend). Target: < 1 ms.
- Per call: the same GET on one ``httpx.Client`` with an in-process transport, with
  ``ClientCredentialsAuth`` holding a cached token vs with no auth at all; the difference
  is what our auth adds to every API call. Target: < 50 us.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import httpx
from conductorone._auth import ClientCredentialsAuth, sign_assertion
from conductorone._credentials import ClientId, ClientSecret
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.keys import make_secret

CLIENT_ID = "bench@acme.conductor.one/pcc"


def _per_call(functions: list[Callable[[], object]], number: int, repeats: int = 7) -> list[float]:
    """Best mean seconds per call of each function; their runs alternate, so drift hits all alike."""
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            for _ in range(number):
                function()
            best[index] = min(best[index], (time.perf_counter() - start) / number)
    return best


def _transport(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/auth/v1/token":
        return httpx.Response(200, json={"access_token": "cached", "expires_in": 3600})
    return httpx.Response(200, json={"ok": True})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()

    secret_text, _public = make_secret()
    secret = ClientSecret(secret_text)
    raw_key = Ed25519PrivateKey.generate()
    payload = sign_assertion(CLIENT_ID, secret, "acme.conductor.one").rsplit(".", 1)[0].encode()
    signing, floor = _per_call(
        [lambda: sign_assertion(CLIENT_ID, secret, "acme.conductor.one"), lambda: raw_key.sign(payload)], 2000
    )

    transport = httpx.MockTransport(_transport)
    auth = ClientCredentialsAuth(ClientId(CLIENT_ID), secret, "https://acme.conductor.one")
    with (
        httpx.Client(base_url="https://acme.conductor.one", transport=transport, auth=auth) as authed,
        httpx.Client(base_url="https://acme.conductor.one", transport=transport) as bare,
    ):
        authed.get("/api/v1/apps")  # fetch and cache the token
        with_auth, without = _per_call(
            [lambda: authed.get("/api/v1/apps"), lambda: bare.get("/api/v1/apps")], args.calls
        )

    print("| measure | ours | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    print(
        f"| sign one assertion | {signing * 1e6:.0f} us | {floor * 1e6:.0f} us (bare Ed25519 sign) "
        f"| {signing / floor:.1f}x | < 1000 us |"
    )
    print(
        f"| GET with cached token | {with_auth * 1e6:.0f} us | {without * 1e6:.0f} us (no auth) "
        f"| {with_auth / without:.2f}x | added {(with_auth - without) * 1e6:.1f} us < 50 us |"
    )
    print(f"\nbest of 7 alternating runs; {args.calls} calls per run for the GETs, 2000 for signing")


if __name__ == "__main__":
    main()
