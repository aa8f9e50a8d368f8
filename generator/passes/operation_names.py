"""Operation names: every operation gets a resource group and a method name, both snake_case.

They become the generated module path and, later, ``client.<group>.<method>(...)``:
``c1.api.app.v1.AppOwners.Add`` -> group ``app_owners``, method ``add``.

Where they come from, first that applies:

- group: ``x-speakeasy-group`` (the name the official SDKs show); else the operation's first
  tag; else the second-to-last dotted segment of ``operationId``
  (``c1.api.app.v1.AppOwners.Add`` -> ``AppOwners``); else the first path segment that is not
  ``api``, a version or a parameter.
- method: ``x-speakeasy-name-override``; else the last dotted segment of ``operationId``; else
  the HTTP method and the path's literal segments (``get_apps_owners``).

Both are converted to snake_case (``AWSExternalIDSettings`` -> ``aws_external_id_settings``).
A group spelled like an attribute of the client (``request``, ``close``, ``server_url``, ...)
becomes ``<name>_group`` (``c1.request_group``), and a method starting with ``iter_``, a
prefix kept for the paginators (``iter_list`` walks the pages of ``list``), becomes
``<name>_operation``.
Two operations that end up with the same group and method are told apart by their HTTP method
(``list_get``), then by a number, in document order. The original ``operationId`` is kept in
``x-original-operation-id``.
"""

from __future__ import annotations

import re
from typing import Any

from ..loader import Document
from ..lock import NameLock, operation_key
from ..naming import snake_case
from .schemas import HTTP_METHODS, deref, operations

_VERSION = re.compile(r"^v\d+[a-z0-9]*$", re.IGNORECASE)
# Attributes of ConductorOne/AsyncConductorOne, present and planned; tests/test_hostile.py
# checks that every attribute the clients have is listed.
RESERVED_GROUP_NAMES = frozenset(
    {"request", "request_raw", "close", "aclose", "http_client", "paginate", "max_retries", "server_url", "timeout",
     "with_options", "with_raw_response", "copy", "default_headers", "default_query", "max_response_bytes"}
)  # fmt: skip
PAGINATOR_PREFIX = "iter_"


def _literal_segments(path: str) -> list[str]:
    return [
        s for s in path.split("/") if s and not s.startswith("{") and s != "api" and not _VERSION.match(s)
    ]


def _group(path: str, operation: dict[str, Any]) -> str:
    if isinstance(operation.get("x-speakeasy-group"), str) and operation["x-speakeasy-group"]:
        return str(operation["x-speakeasy-group"])
    tags = operation.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str):
        return tags[0]
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str) and operation_id.count(".") >= 1:
        return operation_id.split(".")[-2]
    segments = _literal_segments(path)
    return segments[0] if segments else "default"


def _method(path: str, http_method: str, operation: dict[str, Any]) -> str:
    if isinstance(operation.get("x-speakeasy-name-override"), str) and operation["x-speakeasy-name-override"]:
        return str(operation["x-speakeasy-name-override"])
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str) and operation_id:
        return operation_id.split(".")[-1]
    return "_".join([http_method, *_literal_segments(path)])


_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def rename_path_parameters(doc: Document) -> None:
    """``{app-id}``, ``{user.id}`` -> ``{app_id}``, ``{user_id}`` in the path and its parameters.

    A path parameter's name is never sent (only its value is), so any spelling can become an
    identifier. Each operation keeps the path as written in ``x-document-path``.
    """
    renamed_paths: dict[str, Any] = {}
    for path, item in (doc.get("paths") or {}).items():
        names = _TEMPLATE.findall(path)
        if all(_IDENTIFIER.match(name) for name in names) or not isinstance(item, dict):
            renamed_paths[path] = item
            continue
        mapping: dict[str, str] = {}
        for name in names:
            new, number = snake_case(name), 2
            while new in mapping.values() or (new != name and new in names):
                new, number = f"{snake_case(name)}_{number}", number + 1
            mapping[name] = new
        new_path = path
        for old, new in mapping.items():
            new_path = new_path.replace("{" + old + "}", "{" + new + "}")
        for method in [None, *HTTP_METHODS]:
            holder = item if method is None else item.get(method)
            if not isinstance(holder, dict):
                continue
            if method is not None:
                holder.setdefault("x-document-path", path)
            holder["parameters"] = [_renamed(doc, p, mapping) for p in holder.get("parameters") or []]
        renamed_paths[new_path] = item
    doc["paths"] = renamed_paths


def _renamed(doc: Document, parameter: Any, mapping: dict[str, str]) -> Any:
    resolved = deref(doc, parameter)
    if isinstance(resolved, dict) and resolved.get("in") == "path" and resolved.get("name") in mapping:
        return {**resolved, "name": mapping[resolved["name"]]}
    return parameter


def assign(doc: Document, lock: NameLock | None = None) -> None:
    lock = lock or NameLock()
    rename_path_parameters(doc)
    found = [(path, method, op, operation_key(path, method, op)) for path, method, op in operations(doc)]
    # Locked names first: an operation that had a name keeps it; new ones avoid them, and
    # the names of operations removed since the last release.
    locked = {key: tuple(lock.operations[key].split(".", 1)) for *_, key in found if key in lock.operations}
    taken: set[tuple[str, ...]] = set(locked.values()) | {
        tuple(n.split(".", 1)) for n in lock.retired_operations
    }
    for path, http_method, operation, key in found:
        if key in locked:
            group, method = locked[key]
        else:
            group, method = _new_name(path, http_method, operation, taken)
        taken.add((group, method))
        operation["x-operation-key"] = key
        if isinstance(operation.get("operationId"), str):
            operation["x-original-operation-id"] = operation["operationId"]
        operation["operationId"] = method
        operation["tags"] = [group]


def _new_name(
    path: str, http_method: str, operation: dict[str, Any], taken: set[tuple[str, ...]]
) -> tuple[str, str]:
    group = snake_case(_group(path, operation))
    if group in RESERVED_GROUP_NAMES:
        group += "_group"
    method = snake_case(_method(path, http_method, operation))
    if method.startswith(PAGINATOR_PREFIX):
        method += "_operation"
    if (group, method) in taken:
        method = f"{method}_{http_method}"
    number = 2
    base = method
    while (group, method) in taken:
        method = f"{base}_{number}"
        number += 1
    return group, method
