"""Find every schema object in an OpenAPI document, so passes can apply rules to all of them.

Only places where the OpenAPI/JSON Schema grammar puts a schema are visited: a property
*named* ``nullable`` or ``title`` is never mistaken for the keyword.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..loader import Document, resolve_pointer

Schema = dict[str, Any]

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SCHEMA_VALUES = (
    "items", "additionalProperties", "not", "contains", "if", "then", "else",
    "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems",
)  # fmt: skip
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def children(schema: Schema) -> Iterator[Schema]:
    """The schemas nested directly in ``schema`` (``$ref`` targets are not followed)."""
    for key in _SCHEMA_MAPS:
        mapping = schema.get(key)
        if isinstance(mapping, dict):
            yield from (value for value in mapping.values() if isinstance(value, dict))
    for key in _SCHEMA_LISTS:
        members = schema.get(key)
        if isinstance(members, list):
            yield from (member for member in members if isinstance(member, dict))
    for key in _SCHEMA_VALUES:
        value = schema.get(key)
        if isinstance(value, dict):
            yield value


def walk(schema: Schema) -> Iterator[Schema]:
    """``schema`` and every schema nested in it, depth first."""
    stack = [schema]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def operations(doc: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(path, method, operation)`` for every operation, in document order."""
    for path, item in (doc.get("paths") or {}).items():
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield path, method, operation


def deref(doc: Document, node: Any) -> Any:
    """Follow a local ``$ref`` (one hop, as for parameters, request bodies and responses)."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        return resolve_pointer(doc, node["$ref"][1:])
    return node


def _content_schemas(holder: Any) -> Iterator[Schema]:
    if isinstance(holder, dict):
        if isinstance(holder.get("schema"), dict):
            yield holder["schema"]
        for media in (holder.get("content") or {}).values():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                yield media["schema"]


def response_schemas(doc: Document) -> Iterator[Schema]:
    """Top-level schemas of every response body (operations' and ``components.responses``)."""
    for _path, _method, operation in operations(doc):
        for response in (operation.get("responses") or {}).values():
            yield from _content_schemas(deref(doc, response))
    for response in ((doc.get("components") or {}).get("responses") or {}).values():
        yield from _content_schemas(response)


def component_schemas(doc: Document) -> dict[str, Schema]:
    schemas = (doc.get("components") or {}).get("schemas") or {}
    return {name: schema for name, schema in schemas.items() if isinstance(schema, dict)}


def root_schemas(doc: Document) -> Iterator[Schema]:
    """Every top-level schema: components, and those inline in parameters, bodies and responses."""
    yield from component_schemas(doc).values()
    components = doc.get("components") or {}
    for section in ("parameters", "headers", "requestBodies", "responses"):
        for holder in (components.get(section) or {}).values():
            yield from _content_schemas(holder)
    for path_item in (doc.get("paths") or {}).values():
        if not isinstance(path_item, dict):
            continue
        for parameter in path_item.get("parameters") or []:
            yield from _content_schemas(parameter)
    for _path, _method, operation in operations(doc):
        for parameter in operation.get("parameters") or []:
            yield from _content_schemas(parameter)
        yield from _content_schemas(operation.get("requestBody"))
        for response in (operation.get("responses") or {}).values():
            yield from _content_schemas(response)
            for header in ((response or {}).get("headers") or {}).values():
                yield from _content_schemas(header)


def all_schemas(doc: Document) -> Iterator[Schema]:
    """Every schema object in the document, nested ones included."""
    for root in root_schemas(doc):
        yield from walk(root)
