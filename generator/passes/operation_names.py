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
Two operations that end up with the same group and method are told apart by their HTTP method
(``list_get``), then by a number, in document order. The original ``operationId`` is kept in
``x-original-operation-id``.
"""

from __future__ import annotations

import re
from typing import Any

from ..loader import Document
from ..naming import snake_case
from .schemas import operations

_VERSION = re.compile(r"^v\d+[a-z0-9]*$", re.IGNORECASE)


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


def assign(doc: Document) -> None:
    taken: set[tuple[str, str]] = set()
    for path, http_method, operation in operations(doc):
        group = snake_case(_group(path, operation))
        method = snake_case(_method(path, http_method, operation))
        if (group, method) in taken:
            method = f"{method}_{http_method}"
        number = 2
        base = method
        while (group, method) in taken:
            method = f"{base}_{number}"
            number += 1
        taken.add((group, method))
        if isinstance(operation.get("operationId"), str):
            operation["x-original-operation-id"] = operation["operationId"]
        operation["operationId"] = method
        operation["tags"] = [group]
