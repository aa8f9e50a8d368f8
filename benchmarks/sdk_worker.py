"""One measurement in a fresh process, for benchmarks.sdk_comparison (which runs this).

    python -m benchmarks.sdk_worker SCENARIO VARIANT  ->  prints seconds as JSON

SCENARIO: import | call | list | read_all. VARIANT: raw (httpx + json) | ours | sdk (conductorone-sdk).
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


OWNERS_PER_APP = 2


def source(number: int) -> dict[str, Any]:
    """A UserAttributeMappingSource with every field set."""
    return {
        "appId": f"app-{number}",
        "appUserId": f"appuser-{number}",
        "appUserProfileAttributeKey": "department",
        "userAttributeMappingId": f"map-{number}",
        "value": "Engineering",
    }


def user(number: int) -> dict[str, Any]:
    """A user as the API sends it: every field of the 2026-02 User schema set."""
    stamp = "2026-01-02T03:04:05.654321Z"
    sources = [source(number), source(number + 1)]
    return {
        "createdAt": stamp,
        "delegatedUserId": f"user-{number + 1}",
        "deletedAt": stamp,
        "department": "Engineering",
        "departmentSources": sources,
        "directoryIds": ["dir-1", "dir-2"],
        "directoryStatus": "ENABLED",
        "directoryStatusSources": sources,
        "displayName": f"User {number}",
        "email": f"user{number}@example.com",
        "emailSources": sources,
        "emails": [f"user{number}@example.com", f"u{number}@example.org"],
        "employeeIdSources": sources,
        "employeeIds": [f"E{number:05d}"],
        "employmentStatus": "active",
        "employmentStatusSources": sources,
        "employmentType": "full-time",
        "employmentTypeSources": sources,
        "id": f"2xyzUserId{number:06d}",
        "jobTitle": "Engineer",
        "jobTitleSources": sources,
        "managerIds": [f"user-{number + 2}"],
        "managerSources": sources,
        "origin": "USER_ORIGIN_DIRECTORY",
        "profile": {"costCenter": "CC-42", "location": {"city": "Portland", "floor": 3}, "tags": ["a", "b"]},
        "roleIds": ["role-admin", "role-user"],
        "status": "ENABLED",
        "type": "USER_TYPE_HUMAN",
        "updatedAt": stamp,
        "username": f"user{number}",
        "usernameSources": sources,
        "usernames": [f"user{number}"],
    }


def app(number: int) -> dict[str, Any]:
    """An app as the API sends it: every field of the 2026-02 App schema set, owners included."""
    stamp = "2026-02-03T04:05:06.123456Z"
    return {
        "appAccountId": f"acct-{number}",
        "appAccountName": "Engineering",
        "appOwners": [user(number * OWNERS_PER_APP + k) for k in range(OWNERS_PER_APP)],
        "certifyPolicyId": "pol-certify",
        "connectorVersion": 2,
        "createdAt": stamp,
        "defaultRequestCatalogId": "cat-1",
        "deletedAt": stamp,
        "description": f"Application number {number}, synced from the directory.",
        "displayName": f"App {number}",
        "enableConnectorSourcedOwnership": True,
        "fieldMask": "displayName,description",
        "grantPolicyId": "pol-grant",
        "iconUrl": "https://example.com/icon.png",
        "id": f"2xyzAppId{number:06d}",
        "identityMatching": "APP_USER_IDENTITY_MATCHING_STRICT",
        "instructions": "Ask your manager.",
        "isDirectory": False,
        "isManuallyManaged": False,
        "logoUri": "https://example.com/logo.png",
        "monthlyCostUsd": 120,
        "parentAppId": "app-parent",
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


def read_all(value: Any) -> None:
    """Read every field of every object (models of either SDK, or raw JSON), nested ones too."""
    if value is None or isinstance(value, (str, int, float)):
        return
    if isinstance(value, list):
        for item in value:
            read_all(item)
    elif isinstance(value, dict):
        for item in value.values():
            read_all(item)
    elif hasattr(type(value), "_FIELDS"):  # ours
        for name in type(value)._FIELDS:
            read_all(getattr(value, name))
    elif hasattr(type(value), "model_fields"):  # pydantic (conductorone-sdk)
        for name in type(value).model_fields:
            read_all(getattr(value, name))


def operation(variant: str, what: str, c: Any) -> Callable[[], Any]:
    if variant == "raw":
        path = "/api/v1/apps" if what != "get" else "/api/v1/apps/app-1"
        if what == "read_all":
            return lambda: read_all(c.get(path).json()["list"])
        return lambda: c.get(path).json()["list" if what == "list" else "app"]
    if variant == "ours":
        if what == "read_all":
            return lambda: read_all(c.apps.list().list_)
        return (lambda: c.apps.list().list_) if what == "list" else (lambda: c.apps.get(id="app-1").app)
    from conductorone_sdk.models import operations

    if what == "get":
        return lambda: (
            c.apps.get(request=operations.C1APIAppV1AppsGetRequest(id="app-1")).get_app_response.app
        )
    listed = lambda: c.apps.list(request=operations.C1APIAppV1AppsListRequest()).list_apps_response.list  # noqa: E731
    if what == "read_all":
        return lambda: read_all(listed())
    return listed


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
    else:  # "list" or "read_all"
        result = timed(operation(variant, scenario, client(variant)), 5, 5)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
