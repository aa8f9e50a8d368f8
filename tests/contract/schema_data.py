"""Data from the raw OpenAPI document, independent of the generator: request arguments for
the contract test, and hypothesis strategies for response bodies.

Works on the document as published (``$ref`` into ``#/components``), not on our normalised
copy, so that the tests check the generated client against what the API describes.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import yaml
from hypothesis import strategies as st

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
MAX_DEPTH = 4  # deeper objects are left out: enough to reach every model, bounded in size


def load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    return loaded


def deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield path, method.upper(), item[method]


def success_schema(doc: dict[str, Any], operation: dict[str, Any]) -> Any:
    for code, response in operation.get("responses", {}).items():
        if str(code).startswith("2"):
            content = deref(doc, response).get("content") or {}
            media = content.get("application/json")
            return deref(doc, media["schema"]) if media and "schema" in media else None
    return None


def _type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in schema:
        kind = "object"
    return kind


# -- minimal valid request values --------------------------------------------------------------


def sample(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A small value valid for ``schema``: required properties only, first enum value."""
    schema = deref(doc, schema) or {}
    for combiner in ("allOf", "oneOf", "anyOf"):
        if schema.get(combiner):
            return sample(doc, schema[combiner][0], depth)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), schema["enum"][0])
    kind = _type(schema)
    if kind == "object":
        props = schema.get("properties") or {}
        return {name: sample(doc, props.get(name, {}), depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(0, schema.get("minimum", 0))
    if kind == "number":
        return 0
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2026-01-02T03:04:05Z"
    if schema.get("format") == "duration":
        return "PT1H"  # JSON Schema's duration is ISO 8601 (the API itself also takes "3600s")
    if schema.get("format") in ("int64", "uint64"):
        return "1"
    return "x" * max(1, schema.get("minLength", 1))


# -- hypothesis strategies for responses -------------------------------------------------------

_NAMES = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
_UNKNOWN = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(_NAMES, inner, max_size=2),
    max_leaves=4,
)


def response_strategy(doc: dict[str, Any], schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Bodies for ``schema`` where any property may be missing, ``null`` or unknown (extra)."""
    schema = deref(doc, schema) or {}
    for combiner in ("allOf", "oneOf", "anyOf"):
        if schema.get(combiner):
            return st.one_of([response_strategy(doc, part, depth) for part in schema[combiner]])
    if "enum" in schema:
        known = [value for value in schema["enum"] if value is not None]
        return st.sampled_from(known) | st.just("A_VALUE_FROM_A_NEWER_API")
    kind = _type(schema)
    if kind == "object":
        if depth >= MAX_DEPTH:
            return st.just({})
        props = schema.get("properties") or {}
        optional = {
            name: st.none() | response_strategy(doc, prop, depth + 1) for name, prop in sorted(props.items())
        }
        described = st.fixed_dictionaries({}, optional=optional)
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and values:  # a map: its extra keys follow the value schema
            extra = st.dictionaries(_NAMES, response_strategy(doc, values, depth + 1), max_size=2)
        else:  # fields a newer API version might add
            extra = st.dictionaries(_NAMES.map(lambda name: f"zz{name}"), _UNKNOWN, max_size=2)
        return st.builds(lambda a, b: {**a, **b}, described, extra)
    if kind == "array":
        if depth >= MAX_DEPTH:
            return st.just([])
        return st.lists(response_strategy(doc, schema.get("items", {}), depth + 1), max_size=2)
    if kind == "integer":
        return st.integers(min_value=-(2**31), max_value=2**31 - 1)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.datetimes().map(lambda moment: moment.isoformat() + "Z") | st.just(
                "2026-01-02T03:04:05.123456789Z"
            )
        return st.text(max_size=8)
    return _UNKNOWN
