"""Contract test driver: call every operation of SPEC through the facade against a mock
server (Prism) at URL, sync and async. Run as ``python -m tests.contract.calls SPEC URL``
with the generated package for SPEC first on the path; prints a JSON summary, exits 1 if
any request was refused by the mock's validation or any response failed to parse, or
(sync) parsed into a model whose ``to_dict()`` is not the body the mock sent (null = absent).

Arguments come from the raw document: every path parameter, and a request body holding the
schema's required properties. Paginated operations are also walked with ``iter_<name>``.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import sys
import typing
from typing import Any

from conductorone import AsyncConductorOne, ConductorOne, ConductorOneError, PaginationError

from generator.verify.worker import canonical, first_difference

from . import schema_data
from .operations import GeneratedOperation, by_key, generated_operations

# Prism cannot make up a response for some large recursive schemas; it says so with this
# problem type, after validating the request. Those responses are covered by tests/contract/nulls.py.
MOCK_CANNOT_RESPOND = "https://stoplight.io/prism/errors#SCHEMA_TOO_COMPLEX"


def arguments(doc: dict[str, Any], operation: GeneratedOperation, declared: dict[str, Any]) -> dict[str, Any]:
    build = operation.module.build_options
    hints = typing.get_type_hints(build)
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(build).parameters.items():
        if name == "body":
            body = declared.get("requestBody")
            schema = schema_data.deref(doc, body)["content"]["application/json"]["schema"] if body else {}
            model = next(
                t for t in typing.get_args(hints["body"]) or (hints["body"],) if hasattr(t, "from_dict")
            )
            kwargs["body"] = model.from_dict(schema_data.sample(doc, schema))
        elif parameter.default is inspect.Parameter.empty:
            kwargs[name] = 1 if hints[name] is int else f"id-{name}"
    return kwargs


def mock_could_not_respond(error: BaseException) -> bool:
    body = getattr(error, "body", None)
    return isinstance(body, dict) and body.get("type") == MOCK_CANNOT_RESPOND


def summarise(name: str, error: BaseException) -> str:
    body = getattr(error, "body", None)
    return f"{name}: {type(error).__name__}: {error} {json.dumps(body)[:300] if body else ''}"


def round_trips(c1: ConductorOne, operation: GeneratedOperation, kwargs: dict[str, Any]) -> str | None:
    """Where the model's to_dict() differs from the body the mock sent (None: it does not)."""
    raw = operation.module.sync_detailed(client=c1.http_client, **kwargs)
    if not 200 <= raw.status_code < 300 or raw.parsed is None:
        return None  # the mock could not answer: counted by the caller
    return first_difference(canonical(json.loads(raw.content)), canonical(raw.parsed.to_dict()))


def run_sync(url: str, operations: list[tuple[GeneratedOperation, dict[str, Any]]]) -> dict[str, Any]:
    ok, walked, unanswered, failures = 0, 0, [], []
    with ConductorOne(access_token="contract-test", server_url=url, max_retries=0) as c1:
        for operation, kwargs in operations:
            group = getattr(c1, operation.group)
            name = f"{operation.group}.{operation.method}"
            try:
                result = getattr(group, operation.method)(**kwargs)
                assert hasattr(result, "to_dict"), f"{name} returned {type(result).__name__}"
                difference = round_trips(c1, operation, kwargs)
                assert difference is None, f"{name}: the mock's body does not round-trip: {difference}"
                ok += 1
                pager = getattr(group, f"iter_{operation.method}", None)
                if pager is not None:
                    walked += walk(pager, kwargs)
            except (ConductorOneError, AssertionError) as error:
                if mock_could_not_respond(error):
                    unanswered.append(name)
                else:
                    failures.append(summarise(name, error))
    return {"ok": ok, "paginated_walked": walked, "mock_could_not_respond": unanswered, "failures": failures}


def walk(pager: Any, kwargs: dict[str, Any]) -> int:
    """Follow the cursor to the second page. A static mock answers every page with the same
    example cursor, so the walk ends with PaginationError once the second page (sent with
    the cursor, and validated by the mock) repeats it; a finite listing just ends."""
    try:
        list(itertools.islice(pager(**kwargs), 1000))
    except PaginationError as error:
        assert "after 1 page(s)" in str(error), str(error)
    return 1


async def run_async(url: str, operations: list[tuple[GeneratedOperation, dict[str, Any]]]) -> dict[str, Any]:
    ok, unanswered, failures = 0, [], []
    async with AsyncConductorOne(access_token="contract-test", server_url=url, max_retries=0) as c1:
        for operation, kwargs in operations:
            name = f"{operation.group}.{operation.method}"
            try:
                result = await getattr(getattr(c1, operation.group), operation.method)(**kwargs)
                assert hasattr(result, "to_dict"), f"{name} returned {type(result).__name__}"
                ok += 1
            except (ConductorOneError, AssertionError) as error:
                if mock_could_not_respond(error):
                    unanswered.append(name)
                else:
                    failures.append(summarise(name, error))
    return {"ok": ok, "mock_could_not_respond": unanswered, "failures": failures}


def main(spec: str, url: str) -> int:
    doc = schema_data.load(spec)
    declared = by_key(schema_data.operations(doc))
    operations = [(op, arguments(doc, op, declared[op.key])) for op in generated_operations()]
    summary: dict[str, Any] = {
        "declared": len(declared),
        "operations": len(operations),
        "sync": run_sync(url, operations),
        "async": asyncio.run(run_async(url, operations)),
    }
    print(json.dumps(summary))
    failed = summary["sync"]["failures"] or summary["async"]["failures"]
    return 1 if failed or len(operations) != len(declared) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
