"""Find every schema object in an OpenAPI document, so passes can apply rules to all of them.

Only places where the OpenAPI/JSON Schema grammar puts a schema are visited: a property
*named* ``nullable`` or ``title`` is never mistaken for the keyword.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import DocumentError
from ..loader import Document, resolve_pointer

Schema = dict[str, Any]
Pointer = tuple[str | int, ...]

# Deeper nesting than this is no real API's and would exhaust recursion in the generator.
MAX_DEPTH = 48

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


def located_children(schema: Schema) -> Iterator[tuple[Pointer, Schema]]:
    """Like :func:`children`, with each child's path relative to ``schema``."""
    for key in _SCHEMA_MAPS:
        mapping = schema.get(key)
        if isinstance(mapping, dict):
            yield from (((key, name), value) for name, value in mapping.items() if isinstance(value, dict))
    for key in _SCHEMA_LISTS:
        members = schema.get(key)
        if isinstance(members, list):
            yield from (((key, i), member) for i, member in enumerate(members) if isinstance(member, dict))
    for key in _SCHEMA_VALUES:
        value = schema.get(key)
        if isinstance(value, dict):
            yield (key,), value


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
    for _pointer, schema in _located_content((), holder):
        yield schema


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
    for _pointer, schema in located_roots(doc):
        yield schema


def located_roots(doc: Document) -> Iterator[tuple[Pointer, Schema]]:
    """Every top-level schema with its JSON pointer (as a tuple of parts)."""
    for name, schema in component_schemas(doc).items():
        yield ("components", "schemas", name), schema
    components = doc.get("components") or {}
    for section in ("parameters", "headers", "requestBodies", "responses"):
        for key, holder in (components.get(section) or {}).items():
            yield from _located_content(("components", section, key), holder)
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for index, parameter in enumerate(item.get("parameters") or []):
            yield from _located_content(("paths", path, "parameters", index), parameter)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            where: Pointer = ("paths", path, method)
            for index, parameter in enumerate(operation.get("parameters") or []):
                yield from _located_content((*where, "parameters", index), parameter)
            yield from _located_content((*where, "requestBody"), operation.get("requestBody"))
            for code, response in (operation.get("responses") or {}).items():
                yield from _located_content((*where, "responses", code), response)
                if isinstance(response, dict):
                    for name, header in (response.get("headers") or {}).items():
                        yield from _located_content((*where, "responses", code, "headers", name), header)


def _located_content(where: Pointer, holder: Any) -> Iterator[tuple[Pointer, Schema]]:
    if isinstance(holder, dict):
        if isinstance(holder.get("schema"), dict):
            yield (*where, "schema"), holder["schema"]
        for media_type, media in (holder.get("content") or {}).items():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                yield (*where, "content", media_type, "schema"), media["schema"]


def located_schemas(doc: Document) -> list[tuple[Pointer, Schema]]:
    """Every schema object with its pointer, parents before children (depth first).

    Raises :class:`DocumentError` for nesting deeper than :data:`MAX_DEPTH` schemas.
    """
    found: list[tuple[Pointer, Schema]] = []
    for root_pointer, root in located_roots(doc):
        stack: list[tuple[Pointer, Schema, int]] = [(root_pointer, root, 0)]
        while stack:
            pointer, schema, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise DocumentError(pointer, f"schemas nested more than {MAX_DEPTH} levels deep")
            found.append((pointer, schema))
            stack.extend(
                (
                    ((*pointer, *relative), child, depth + 1)
                    for relative, child in reversed(list(located_children(schema)))
                )
            )
    return found


def all_schemas(doc: Document) -> Iterator[Schema]:
    """Every schema object in the document, nested ones included."""
    for root in root_schemas(doc):
        yield from walk(root)
