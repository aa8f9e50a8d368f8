"""Nullability: ``null`` means "absent" in this API, so it is not part of any field's type.

The API is protobuf-backed; in protobuf's JSON mapping ``null`` is accepted for every field
and means the field's default, and the service sends ``null`` for fields the document does
not mark nullable. Marking some fields nullable (``nullable: true``, ``type: [X, "null"]``,
``oneOf: [X, {type: null}]``) makes openapi-python-client build ``X | None`` unions, which
fail outright for nested objects and enums (the cause of most upstream schema failures).

Rule: remove every spelling of "or null" from every schema. The generated models then treat
a ``null`` value exactly like a missing field (see ``generator/templates/model.py.jinja``),
which is tolerant of nulls everywhere, not just where the document admits them.
"""

from __future__ import annotations

from typing import Any

from ..loader import Document
from .schemas import all_schemas


def _is_null_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    # YAML reads a bare `null` as None: `type: null` is the null type either way
    return ("type" in schema and schema["type"] in ("null", None)) or schema.get("const", 0) is None


def strip_null(doc: Document) -> None:
    for schema in list(all_schemas(doc)):
        if isinstance(schema.get("nullable"), bool):
            del schema["nullable"]
        kind = schema.get("type")
        if isinstance(kind, list) and ("null" in kind or None in kind):  # YAML reads a bare null as None
            rest = [k for k in kind if k not in ("null", None)]
            if len(rest) == 1:
                schema["type"] = rest[0]
            elif rest:
                schema["type"] = rest
            else:
                del schema["type"]
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if not isinstance(members, list) or not any(_is_null_schema(m) for m in members):
                continue
            rest = [m for m in members if not _is_null_schema(m)]
            if len(rest) == 1 and isinstance(rest[0], dict):
                # "X or null" is just X: fold X into this schema (3.1 allows $ref siblings).
                del schema[key]
                for inner_key, value in rest[0].items():
                    schema.setdefault(inner_key, value)
            elif rest:
                schema[key] = rest
            else:
                del schema[key]
