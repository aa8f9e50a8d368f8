"""One measurement in a fresh process, for benchmarks.sdk_comparison (which runs this).

    python -m benchmarks.sdk_worker SCENARIO VARIANT  ->  prints seconds as JSON

SCENARIO: import | call | parse. VARIANT: raw (httpx + json) | ours | sdk (conductorone-sdk).
All HTTP goes to an in-process httpx transport serving fixed bytes, so the numbers are the
client libraries' own cost.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

SERVER = "https://acme.conductor.one"
APP_COUNT = 1000


def app(number: int) -> dict[str, Any]:
    """An app as the API sends it (every scalar field of the 2026-02 App schema set)."""
    stamp = "2026-02-03T04:05:06.123456Z"
    return {
        "appAccountId": f"acct-{number}",
        "appAccountName": "Engineering",
        "appOwners": [],
        "certifyPolicyId": "pol-certify",
        "connectorVersion": 2,
        "createdAt": stamp,
        "defaultRequestCatalogId": "cat-1",
        "description": f"Application number {number}, synced from the directory.",
        "displayName": f"App {number}",
        "enableConnectorSourcedOwnership": True,
        "grantPolicyId": "pol-grant",
        "iconUrl": "https://example.com/icon.png",
        "id": f"2xyzAppId{number:06d}",
        "identityMatching": "APP_USER_IDENTITY_MATCHING_STRICT",
        "instructions": "Ask your manager.",
        "isDirectory": False,
        "isManuallyManaged": False,
        "logoUri": "https://example.com/logo.png",
        "monthlyCostUsd": 120,
        "parentAppId": "",
        "revokePolicyId": "pol-revoke",
        "strictAccessEntitlementProvisioning": False,
        "updatedAt": stamp,
        "userCount": "1234",
    }


BODIES = {
    "/api/v1/apps": json.dumps({"list": [app(n) for n in range(APP_COUNT)], "nextPageToken": ""}).encode(),
    "/api/v1/apps/app-1": json.dumps({"app": app(1)}).encode(),
}


def transport() -> Any:
    import httpx

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=BODIES[request.url.path], headers={"Content-Type": "application/json"}
        )

    return httpx.MockTransport(serve)


def client(variant: str) -> Any:
    """A client of ``variant`` on the in-process transport."""
    import httpx

    http = httpx.Client(transport=transport())
    if variant == "raw":
        http.base_url = httpx.URL(SERVER)
        http.headers["Authorization"] = "Bearer token"
        return http
    if variant == "ours":
        from conductorone import ConductorOne

        return ConductorOne(access_token="token", server_url=SERVER, http_client=http)
    from conductorone_sdk import SDK
    from conductorone_sdk.models import shared

    return SDK(security=shared.Security(bearer_auth="token", oauth=""), server_url=SERVER, client=http)


def operation(variant: str, what: str, c: Any) -> Callable[[], Any]:
    if variant == "raw":
        path = "/api/v1/apps" if what == "list" else "/api/v1/apps/app-1"
        return lambda: c.get(path).json()
    if variant == "ours":
        return (lambda: c.apps.list()) if what == "list" else (lambda: c.apps.get(id="app-1"))
    from conductorone_sdk.models import operations

    if what == "list":
        return lambda: c.apps.list(request=operations.C1APIAppV1AppsListRequest())
    return lambda: c.apps.get(request=operations.C1APIAppV1AppsGetRequest(id="app-1"))


def import_and_first_call(variant: str) -> dict[str, float]:
    start = time.perf_counter()
    if variant == "raw":
        import httpx  # noqa: F401
    elif variant == "ours":
        import conductorone  # noqa: F401
    else:
        import conductorone_sdk  # noqa: F401
    imported = time.perf_counter()
    c = client(variant)
    constructed = time.perf_counter()
    operation(variant, "get", c)()
    called = time.perf_counter()
    return {"import": imported - start, "construct": constructed - start, "first_call": called - start}


def timed(function: Callable[[], Any], number: int, repeats: int) -> float:
    function()  # warm: lazy imports, connection set-up
    means = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function()
        means.append((time.perf_counter() - start) / number)
    return statistics.median(means)


def main(scenario: str, variant: str) -> None:
    if scenario == "import":
        result: Any = import_and_first_call(variant)
    elif scenario == "call":
        result = timed(operation(variant, "get", client(variant)), 1000, 5)
    else:
        result = timed(operation(variant, "list", client(variant)), 5, 5)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
