"""One measurement in a fresh process, for benchmarks.sdk_comparison (which runs this).

    python -m benchmarks.sdk_worker SCENARIO VARIANT  ->  prints seconds (or bytes) as JSON
    python -m benchmarks.sdk_worker SCENARIO VARIANT N  ->  runs the scenario N times, untimed

VARIANT: raw (httpx + json.loads dicts) | ours | sdk (conductorone-sdk, pydantic) | msgspec (a
hand-written msgspec Struct decoder: the limit). SCENARIO: import | call (apps.get) | parse
(apps.list of 1,000 full apps to the typed list) | read_all (parse, then every field of every
app and owner read) | read_three (parse, then id, displayName and createdAt of each) |
to_dict / to_json (of the parsed page, untouched) | to_json_read (after every field was
read) | round_trip (parse, then to_json) | memory / memory_read (bytes retained by 10,000
parsed apps, before and after every field was read). All HTTP goes to an in-process httpx
transport serving fixed bytes, so the numbers are the client libraries' own cost.
"""

from __future__ import annotations

import datetime
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
    if variant in ("raw", "msgspec"):
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
    # A timestamp is a value, not an object with fields: the typed variants' datetimes stop here
    # as raw's strings do (probed for fields, each cost three AttributeErrors raw never paid)
    if value is None or isinstance(value, (str, int, float, datetime.date)):
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
    elif hasattr(type(value), "__struct_fields__"):  # msgspec
        for name in type(value).__struct_fields__:
            read_all(getattr(value, name))


def msgspec_types() -> tuple[Any, Any]:
    """Structs for the page and the app, written from the sample's own shape (the limit: a
    decoder that knows every field's type, in C)."""
    import datetime

    import msgspec

    def struct(name: str, sample: dict[str, Any], nested: dict[str, Any]) -> Any:
        fields = []
        for key, value in sample.items():
            kind: Any
            if key in nested:
                kind = list[nested[key]]
            elif key.endswith("At"):
                kind = datetime.datetime
            else:
                kind = type(value)
            fields.append((key, kind | None, None))
        return msgspec.defstruct(name, fields, omit_defaults=True)

    owner = user(1)
    source_struct = struct("Source", source(1), {})
    user_struct = struct(
        "User",
        owner,
        {k: source_struct for k, v in owner.items() if isinstance(v, list) and v and isinstance(v[0], dict)},
    )
    app_struct = struct("App", app(1), {"appOwners": user_struct})
    page = msgspec.defstruct(
        "Page", [("list", list[app_struct] | None, None), ("nextPageToken", str | None, None)]
    )
    return page, app_struct


def parse(variant: str, c: Any) -> Callable[[], Any]:
    """A function that makes the list call and returns the typed list of 1,000 apps."""
    if variant == "raw":
        return lambda: c.get("/api/v1/apps").json()["list"]
    if variant == "msgspec":
        import msgspec

        page_type, _ = msgspec_types()
        decoder = msgspec.json.Decoder(page_type)
        return lambda: decoder.decode(c.get("/api/v1/apps").content).list
    if variant == "ours":
        return lambda: c.apps.list().list_
    from conductorone_sdk.models import operations

    return lambda: c.apps.list(request=operations.C1APIAppV1AppsListRequest()).list_apps_response.list


def page(variant: str, c: Any) -> Callable[[], Any]:
    """The whole parsed page (what to_dict and to_json serialise)."""
    if variant == "raw":
        return lambda: c.get("/api/v1/apps").json()
    if variant == "msgspec":
        import msgspec

        decoder = msgspec.json.Decoder(msgspec_types()[0])
        return lambda: decoder.decode(c.get("/api/v1/apps").content)
    if variant == "ours":
        return lambda: c.apps.list()
    from conductorone_sdk.models import operations

    return lambda: c.apps.list(request=operations.C1APIAppV1AppsListRequest()).list_apps_response


def serialiser(variant: str, what: str) -> Callable[[Any], Any]:
    """to_dict or to_json of a parsed page, as each library offers it."""
    if variant == "raw":
        if what == "to_dict":
            return lambda data: json.loads(json.dumps(data))  # a copy the caller may change
        return lambda data: json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if variant == "msgspec":
        import msgspec

        encoder = msgspec.json.Encoder()
        return msgspec.to_builtins if what == "to_dict" else encoder.encode
    if variant == "ours":
        return (lambda model: model.to_dict()) if what == "to_dict" else (lambda model: model.to_json())
    if what == "to_dict":
        return lambda model: model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return lambda model: model.model_dump_json(by_alias=True, exclude_none=True)


def read_three(apps: list[Any]) -> list[Any]:
    """id, displayName and createdAt of each app (as each library names them)."""
    seen: list[Any] = []
    for item in apps:
        if isinstance(item, dict):
            seen.append((item["id"], item["displayName"], item["createdAt"]))
        elif hasattr(item, "display_name"):
            seen.append((item.id, item.display_name, item.created_at))
        else:
            seen.append((item.id, item.displayName, item.createdAt))
    return seen


def operation(variant: str, what: str, c: Any) -> Callable[[], Any]:
    if what == "call":
        if variant in ("raw", "msgspec"):
            return lambda: c.get("/api/v1/apps/app-1").json()["app"]
        if variant == "ours":
            return lambda: c.apps.get(id="app-1").app
        from conductorone_sdk.models import operations

        return lambda: (
            c.apps.get(request=operations.C1APIAppV1AppsGetRequest(id="app-1")).get_app_response.app
        )
    listed = parse(variant, c)
    if what == "parse":
        return listed
    if what == "read_all":
        return lambda: read_all(listed())
    if what == "read_three":
        return lambda: read_three(listed())
    fetch = page(variant, c)
    if what == "round_trip":
        encode = serialiser(variant, "to_json")
        return lambda: encode(fetch())
    encode = serialiser(variant, "to_dict" if what == "to_dict" else "to_json")
    parsed = fetch()
    if what == "to_json_read":
        read_all(parsed)
    return lambda: encode(parsed)


def retained(variant: str, c: Any, read: bool) -> int:
    """Bytes still allocated while 10,000 parsed apps are held (every field read, if ``read``)."""
    import gc
    import tracemalloc

    listed = parse(variant, c)
    listed()  # warm: lazy imports, caches
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [listed() for _ in range(10)]
    if read:
        read_all(held)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert sum(len(apps) for apps in held) == 10 * APP_COUNT
    return after - before


def import_and_first_call(variant: str) -> dict[str, float]:
    start = time.perf_counter()
    if variant == "raw":
        import httpx
    elif variant == "msgspec":
        import httpx  # noqa: F401
        import msgspec  # noqa: F401
    elif variant == "ours":
        import conductorone  # noqa: F401
    else:
        import conductorone_sdk  # noqa: F401
    imported = time.perf_counter()
    c = client(variant)
    constructed = time.perf_counter()
    operation(variant, "call", c)()
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


def main(scenario: str, variant: str, repeat: int | None = None) -> None:
    if repeat is not None:  # for counting instructions (sdk_comparison --instructions): no timing
        import gc

        function = operation(variant, scenario, client(variant))
        function()  # warm, as timed() does
        for _ in range(repeat):
            # each run starts with the collector in the same state, so its collections are its
            # own (a full collection falls where the allocation count says, not per run)
            gc.collect()
            function()
        result: Any = repeat
    elif scenario == "import":
        result = import_and_first_call(variant)
    elif scenario in ("memory", "memory_read"):
        result = retained(variant, client(variant), scenario == "memory_read")
    elif scenario == "call":
        result = timed(operation(variant, "call", client(variant)), 1000, 5)
    else:
        result = timed(operation(variant, scenario, client(variant)), 5, 5)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
