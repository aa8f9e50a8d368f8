"""The tenant's signing keys (its JWKS): read, cached, and fetched again on an unknown ``kid``
no more than once per interval, so a flood of made-up kids is not a flood of fetches."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .._exceptions import printable
from .._jose import JoseError
from .._response import MAX_AUTH_RESPONSE_BYTES, aread_limited, read_limited
from ._errors import WebhookKeysUnavailableError

JWKS_PATH = "/auth/v1/jwks"
# alg -> (kty, crv) of the key that may verify it. EdDSA is what tenants sign with; the ECDSA
# curves are taken as the JWKS says. Nothing else (no "none", no HMAC, no RSA) is accepted.
KEY_TYPES: dict[str, tuple[str, str]] = {
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
}


def _import(jwk: Any) -> Any | None:
    """A public key of a JWKS entry we can verify with, or None (other types are skipped)."""
    from joserfc.jwk import import_key

    if not isinstance(jwk, dict) or (jwk.get("kty"), jwk.get("crv")) not in KEY_TYPES.values():
        return None
    if jwk.get("use", "sig") != "sig":
        return None
    public = {key: value for key, value in jwk.items() if key != "d"}  # never hold a private part
    try:
        return import_key(public)
    except (JoseError, ValueError, TypeError):
        return None


class KeySet:
    """Keys by ``kid`` (a key without one is found by its type alone)."""

    def __init__(self, jwks: Mapping[str, Any], where: str) -> None:
        entries = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(entries, list):
            raise WebhookKeysUnavailableError(f"{where}: not a JWKS (no 'keys' list)")
        self.keys: list[tuple[dict[str, Any], Any]] = []
        for entry in entries:
            key = _import(entry)
            if key is not None:
                self.keys.append((entry, key))

    def find(self, kid: str | None, alg: str) -> Any | None:
        kty, crv = KEY_TYPES[alg]
        for entry, key in self.keys:
            if (entry.get("kty"), entry.get("crv")) != (kty, crv):
                continue
            if entry.get("alg") not in (None, alg) and {entry.get("alg"), alg} != {"EdDSA", "Ed25519"}:
                continue
            if kid is None or entry.get("kid") == kid:
                return key
        return None


def _parse(response: httpx.Response, url: str) -> KeySet:
    if response.status_code != 200:
        raise WebhookKeysUnavailableError(f"GET {url} answered {response.status_code}")
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):
        raise WebhookKeysUnavailableError(f"GET {url}: the answer is not JSON") from None
    return KeySet(data, f"GET {url}")


class TenantKeys:
    """The JWKS at ``<server_url>/auth/v1/jwks``, or one given as it is (``jwks=``: never
    fetched). Kept ``max_age`` seconds; an unknown kid fetches again at most once every
    ``refetch_interval`` seconds. Sync and async callers share the cache."""

    def __init__(
        self,
        server_url: str,
        *,
        jwks: Mapping[str, Any] | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        refetch_interval: float = 60.0,
        max_age: float = 3600.0,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = server_url + JWKS_PATH
        self._static = KeySet(jwks, "jwks=") if jwks is not None else None
        self._http = http_client
        self._async_http = async_http_client
        self.refetch_interval = refetch_interval
        self.max_age = max_age
        self.timeout = timeout
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = -float("inf")  # when the keys held were fetched
        self._tried_at = -float("inf")  # when a fetch was last started (failed ones too)
        self.fetches = 0  # how many times the JWKS was requested (for tests and metrics)
        self._lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _cached(self, kid: str | None, alg: str) -> tuple[Any | None, bool]:
        """(the key if known, whether fetching again is allowed now)."""
        if self._static is not None:
            return self._static.find(kid, alg), False
        now = self._clock()
        may_fetch = now - self._tried_at >= self.refetch_interval
        key = self._stale(kid, alg)
        if key is not None and may_fetch and now - self._fetched_at >= self.max_age:
            return None, True  # old keys: fetched again first (and used if that fails)
        return key, key is None and may_fetch

    def _stale(self, kid: str | None, alg: str) -> Any | None:
        return self._keys.find(kid, alg) if self._keys is not None else None

    def _store(self, keys: KeySet) -> None:
        self._keys = keys
        self._fetched_at = self._clock()

    def _failed(self, error: Exception) -> WebhookKeysUnavailableError:
        if isinstance(error, WebhookKeysUnavailableError):
            return error
        return WebhookKeysUnavailableError(
            f"GET {self.url} failed: {type(error).__name__}: {printable(str(error)[:200])}"
        )

    def key(self, kid: str | None, alg: str) -> Any | None:
        key, _ = self._cached(kid, alg)
        if key is not None or self._static is not None:
            return key
        with self._lock:  # also waits for a fetch in flight, which may bring this kid
            key, may_fetch = self._cached(kid, alg)  # another thread may have fetched meanwhile
            if key is not None or not may_fetch:
                return key
            self.fetches += 1
            self._tried_at = self._clock()
            http = self._http or httpx.Client()
            try:
                request = http.build_request("GET", self.url, timeout=self.timeout)
                response = http.send(request, stream=True, follow_redirects=False)
                try:
                    read_limited(response, MAX_AUTH_RESPONSE_BYTES)
                finally:
                    response.close()
                self._store(_parse(response, self.url))
            except Exception as error:  # httpx's, a body too large, not a JWKS
                if (stale := self._stale(kid, alg)) is not None:
                    return stale
                raise self._failed(error) from None
            finally:
                if self._http is None:
                    http.close()
        return self._cached(kid, alg)[0]

    async def akey(self, kid: str | None, alg: str) -> Any | None:
        key, _ = self._cached(kid, alg)
        if key is not None or self._static is not None:
            return key
        loop = asyncio.get_running_loop()
        lock = self._async_locks.setdefault(loop, asyncio.Lock())
        async with lock:
            key, may_fetch = self._cached(kid, alg)
            if key is not None or not may_fetch:
                return key
            self.fetches += 1
            self._tried_at = self._clock()
            http = self._async_http or httpx.AsyncClient()
            try:
                request = http.build_request("GET", self.url, timeout=self.timeout)
                response = await http.send(request, stream=True, follow_redirects=False)
                try:
                    await aread_limited(response, MAX_AUTH_RESPONSE_BYTES)
                finally:
                    await response.aclose()
                self._store(_parse(response, self.url))
            except Exception as error:
                if (stale := self._stale(kid, alg)) is not None:
                    return stale
                raise self._failed(error) from None
            finally:
                if self._async_http is None:
                    await http.aclose()
        return self._cached(kid, alg)[0]
