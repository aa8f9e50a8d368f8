"""The build proves its models: generated code must read valid data and write it back.

"Typed" is not "correct": a model can import, type-check and still raise on every real
response (a one-member ``allOf`` around a timestamp once became an empty object model). So
every build, before it replaces its output, checks the code it just generated:

- targets: each operation's 2xx JSON response (through the endpoint module's
  ``parse_response``), each JSON request body model, and each component schema with a model
  class that a request body or a 2xx response reaches;
- instances: drawn from the *original* schema (before our normalisation passes) with
  hypothesis-jsonschema, kept only if openapi-schema-validator accepts them against it
  (``instances.py``);
- check: ``from_dict`` then ``to_dict`` gives back equivalent JSON (``worker.py``).

The checks run in a worker process, started as soon as the document is read: drawing and validating instances needs only the original document, so it
overlaps with code generation; the round trips run once the package exists, imported from
the staging directory. A schema reached several ways (a response that is a ``$ref`` to a
component) is drawn once. Seeds are fixed, so a build checks the same instances every time,
and a failure names the schema, the JSON path, the instance and the exception.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from ..errors import BuildError
from ..loader import Document, json_pointer, resolve_pointer
from ..passes.schemas import HTTP_METHODS

GENERATOR_ROOT = Path(__file__).resolve().parent.parent.parent
_COMPONENT_PREFIX = "#/components/schemas/"
_JSON = ("application/json", "+json")


@attrs.frozen
class Target:
    id: str  # what a failure names: an operation's body or response, or a schema key
    python: str  # "module:Class" (its from_dict) or "module:function"
    pointer: tuple[str | int, ...]  # the schema in the original document


@attrs.frozen
class OperationModels:
    """What the generated code does with one operation's bodies (from the codegen views)."""

    path: str
    method: str
    module: str  # conductorone_api.api.<group>.<module>
    response_status: str | None  # the 2xx status whose body parse_response reads
    body_class: str | None  # the request body model class


@attrs.frozen
class Verification:
    models_verified: int
    instances_checked: int
    instances_discarded: int
    unsupported: tuple[str, ...]  # schemas no instance could be drawn for, and why
    failures: tuple[str, ...]


def _parts(ref: str) -> tuple[str, ...]:
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/"))


def _canonical_pointer(doc: Document, pointer: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A schema that is only a ``$ref`` has the same instances as its target: use the target's."""
    for _ in range(16):
        node = resolve_pointer(doc, json_pointer(pointer))
        if not (isinstance(node, dict) and set(node) == {"$ref"} and str(node["$ref"]).startswith("#/")):
            break
        pointer = _parts(node["$ref"])
    return pointer


def _json_schema_pointer(doc: Document, holder: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The pointer of the JSON body schema of a response/request body at ``holder`` (refs followed)."""
    node: Any = resolve_pointer(doc, json_pointer(holder))
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        holder = _parts(node["$ref"])
        node = resolve_pointer(doc, node["$ref"][1:])
    content = node.get("content") if isinstance(node, dict) else None
    for media_type, media in (content or {}).items():
        if media_type.split(";")[0].strip().endswith(_JSON) and isinstance(media, dict) and "schema" in media:
            return (*holder, "content", media_type, "schema")
    return None


def _first_success(operation: dict[str, Any]) -> str | None:
    return next((str(code) for code in operation.get("responses") or {} if str(code).startswith("2")), None)


def candidate_schemas(doc: Document) -> list[tuple[str | int, ...]]:
    """Every schema the checks may need, from the original document alone (drawn early)."""
    roots: list[tuple[str | int, ...]] = []
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            status = _first_success(operation)
            holders: list[tuple[str | int, ...]] = (
                [("paths", path, method, "responses", status)] if status else []
            )
            if "requestBody" in operation:
                holders.append(("paths", path, method, "requestBody"))
            roots += [p for p in (_json_schema_pointer(doc, h) for h in holders) if p is not None]
    pointers = {_canonical_pointer(doc, root): None for root in roots}
    for key in sorted(_reachable_components(doc, roots)):
        schema = resolve_pointer(doc, json_pointer(("components", "schemas", key)))
        if isinstance(schema, dict) and _is_model(schema):
            pointers[("components", "schemas", key)] = None
    return list(pointers)


def targets(
    original: Document,
    normalised: Document,
    operations: Iterable[OperationModels],
    class_name: Any,
    candidates: list[tuple[str | int, ...]],
    *,
    package: str,
    model_classes: frozenset[str],
) -> list[Target]:
    """What to check, in a fixed order; ``class_name(title)`` spells a model's class and
    ``candidates`` are :func:`candidate_schemas` of ``original`` (computed once, by the session).
    Only classes that were generated (``model_classes``) are checked: a schema that failed is
    the build's "incomplete client" error, not a verification failure."""
    found: list[Target] = []
    for op in operations:
        where = ("paths", op.path, op.method)
        if op.response_status is not None:
            pointer = _json_schema_pointer(original, (*where, "responses", op.response_status))
            if pointer is not None:
                found.append(
                    Target(f"{op.method.upper()} {op.path} response", f"{op.module}:parse_response", pointer)
                )
        if op.body_class is not None and "requestBody" in original["paths"][op.path][op.method]:
            pointer = _json_schema_pointer(original, (*where, "requestBody"))
            if pointer is not None:
                found.append(
                    Target(
                        f"{op.method.upper()} {op.path} request body",
                        f"{package}.models:{op.body_class}",
                        pointer,
                    )
                )
    components = (normalised.get("components") or {}).get("schemas") or {}
    for pointer in candidates:
        key = pointer[2] if pointer[:2] == ("components", "schemas") and len(pointer) == 3 else None
        schema = components.get(str(key)) if key is not None else None
        if isinstance(schema, dict) and _is_model(schema) and isinstance(schema.get("title"), str):
            cls = class_name(schema["title"])
            if cls in model_classes:
                found.append(Target(str(key), f"{package}.models:{cls}", pointer))
    return found


def _is_model(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema or "allOf" in schema


def _reachable_components(doc: Document, roots: list[tuple[str | int, ...]]) -> set[str]:
    seen: set[str] = set()
    stack: list[Any] = [resolve_pointer(doc, json_pointer(root)) for root in roots]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_COMPONENT_PREFIX):
                key = _parts(ref)[-1]
                if key not in seen and key in ((doc.get("components") or {}).get("schemas") or {}):
                    seen.add(key)
                    stack.append(doc["components"]["schemas"][key])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return seen


class Session:
    """Workers drawing instances while the code is generated; :meth:`finish` checks the code."""

    def __init__(self, original: Document, original_json: str, *, thorough: bool = False) -> None:
        self.original = original
        self.candidates = pointers = candidate_schemas(original)
        # One worker: it draws on the second core while this process generates, and a second
        # worker would import (and compile) the same ~1,000 generated modules again.
        workers = 1
        self._scratch = tempfile.TemporaryDirectory(prefix="conductorone-verify-")
        self._running: list[tuple[subprocess.Popen[str], Path]] = []
        for index in range(workers):
            share = pointers[index::workers]
            job = Path(self._scratch.name, f"job{index}.json")
            job.write_text(
                f'{{"schemas": {json.dumps(share)}, "thorough": {json.dumps(thorough)}, "document": {original_json}}}',
                encoding="utf-8",
            )
            result = Path(self._scratch.name, f"result{index}.json")
            command = [sys.executable, "-m", "generator.verify.worker", str(job), str(result)]
            process = subprocess.Popen(
                command,
                cwd=GENERATOR_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            self._running.append((process, result))

    def finish(self, package_root: Path, checks: list[Target]) -> Verification:
        by_pointer: dict[str, list[list[str]]] = {}
        for check in checks:
            key = json.dumps(list(_canonical_pointer(self.original, check.pointer)))
            by_pointer.setdefault(key, []).append([check.id, check.python])
        message = json.dumps({"package_root": str(package_root), "checks": by_pointer})
        results: list[dict[str, Any]] = []
        try:
            for process, result in self._running:
                _out, err = process.communicate(message + "\n")
                if process.returncode != 0 or not result.is_file():
                    last = (err.strip().splitlines() or ["no output"])[-1]
                    raise BuildError(f"verifying the generated models failed to run: {last}")
                results.extend(json.loads(result.read_text(encoding="utf-8"))["results"])
        finally:
            self.close()
        return _summarise(results)

    def close(self) -> None:
        """Stop any worker still running and remove the scratch files (idempotent)."""
        for process, _result in self._running:
            if process.poll() is None:
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stderr):
                if stream:
                    stream.close()
        self._running = []
        self._scratch.cleanup()


def _summarise(results: list[dict[str, Any]]) -> Verification:
    results.sort(key=lambda r: str(r["id"]))
    failures = []
    for r in results:
        if r["failure"]:
            instance = json.dumps(r["failure"].get("instance"), sort_keys=True)
            shown = instance if len(instance) <= 300 else instance[:297] + "..."
            failures.append(f"{r['id']}: {r['failure']['error']}; instance: {shown}")
    return Verification(
        models_verified=sum(1 for r in results if r["checked"] and not r["failure"]),
        instances_checked=sum(r["checked"] for r in results),
        instances_discarded=sum(r["discarded"] for r in results),
        unsupported=tuple(
            sorted({f"{r['schema']}: {r['unsupported']}" for r in results if r.get("unsupported")})
        ),
        failures=tuple(failures),
    )


__all__ = ["OperationModels", "Session", "Target", "Verification", "candidate_schemas", "targets"]
